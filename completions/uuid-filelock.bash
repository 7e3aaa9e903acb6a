# bash completion for uuid-filelock(1).
#
# Installed as bash-completion/completions/uuid-filelock, where the
# bash-completion package loads it on first use; it can also be sourced in
# a plain bash. It uses bash-completion's helpers when they are loaded
# (_filedir quotes and tilde-expands file names, _command_offset hands the
# words after `run LOCKFILE COMMAND` to COMMAND's own completion) and
# compgen otherwise, so that it works without that package.

# Adds the words of $1 that start with $cur to COMPREPLY.
_uuid_filelock_words()
{
    local word
    for word in $1; do
        [[ $word == "$cur"* ]] && COMPREPLY+=("$word")
    done
}

# Completes $cur as a file name.
_uuid_filelock_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir
    else
        # compopt fails when no completion is running, as in a test: harmless.
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

# Completes $cur as a process id.
_uuid_filelock_pids()
{
    local pids
    pids=$(command ps -A -o pid= 2>/dev/null)
    # Without ps (a minimal container) /proc still lists the processes.
    [[ $pids ]] || pids=$(command ls /proc 2>/dev/null)
    local pid
    for pid in $pids; do
        [[ $pid == +([0-9]) && $pid == "$cur"* ]] && COMPREPLY+=("$pid")
    done
}

_uuid_filelock()
{
    COMPREPLY=()
    # The word lists below are split on blanks, whatever the user's IFS.
    local IFS=$' \t\n'

    # With `=` in COMP_WORDBREAKS (the default), bash splits `--opt=value`
    # into three words. Join them again, keeping where each word starts in
    # COMP_WORDS for _command_offset. Words after the cursor do not matter.
    local -a words=() starts=()
    local i word n=0 cword=0 join=false
    for ((i = 0; i <= COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if $join; then
            words[n - 1]+=$word
            join=false
        elif [[ $word == = && n -gt 0 && ${words[n - 1]} == --+([^=]) ]]; then
            words[n - 1]+='='
            join=true
        else
            words[n]=$word
            starts[n]=$i
            ((n++))
        fi
        ((i == COMP_CWORD)) && cword=$((n - 1))
    done
    local cur=${words[cword]}

    # The subcommand is the first word that is not an option.
    local subcommands='run status acquire release break help' sub='' sub_at=0
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} != -* ]]; then
            sub=${words[i]} sub_at=$i
            break
        fi
    done
    if [[ -z $sub ]]; then
        if [[ $cur == -* ]]; then
            _uuid_filelock_words '-h --help -V --version'
        else
            _uuid_filelock_words "$subcommands"
        fi
        return 0
    fi

    # Walk the words before the cursor as the tool parses them: options
    # until the first positional argument that is not an option's value
    # (`--` ends the options), counting positional arguments. For `run`,
    # the first one is LOCKFILE and every later word is COMMAND's.
    local positional=0 options_done=false value_of='' lock_at=0
    for ((i = sub_at + 1; i < cword; i++)); do
        word=${words[i]}
        if ! $options_done && [[ $word == -- ]]; then
            options_done=true
        elif ! $options_done && [[ $word == -* ]]; then
            # Does the option take the next word as its value? Short ones may
            # be bundled ("-nw 5"): the first that takes a value takes the
            # rest of the bundle, or the next word if it ends the bundle.
            case $word in
                --wait | --timeout | --retry-interval | --verify-delay | --stale-after | \
                    --filesystem | --command | --conflict-exit-code | --error-exit-code | \
                    --status-file | --description | --owner-pid) ;;
                --*) continue ;;
                *) [[ $word =~ ^-[^-wcE]*[wcE]$ ]] || continue ;;
            esac
            ((i + 1 == cword)) && value_of=$word
            ((i++))
        else
            ((positional++))
            if [[ $sub == run ]]; then
                lock_at=$i
                break
            fi
        fi
    done

    # A value written as `--opt=value` is completed like one in its own word;
    # readline replaces only the text after `=` unless `=` is not a word
    # break, in which case the replies must carry the `--opt=` themselves.
    local prefix=''
    if [[ -z $value_of && $cur == --*=* ]] && ! $options_done && ((lock_at == 0)); then
        value_of=${cur%%=*}
        cur=${cur#*=}
        [[ $COMP_WORDBREAKS == *=* ]] || prefix=$value_of=
    fi

    if ((lock_at > 0)); then
        local command_at=$((lock_at + 1))
        if [[ ${words[command_at]} == -- ]] && ((cword > command_at)); then
            # `LOCKFILE -- COMMAND` lets COMMAND start with a dash.
            ((command_at++))
        elif ((cword == command_at)) && [[ $cur == -* ]]; then
            _uuid_filelock_words '-c --command'
            return 0
        elif [[ ${words[command_at]} == @(-c|--command|--command=*) ]]; then
            # The shell string is free text.
            return 0
        fi
        if declare -F _command_offset >/dev/null; then
            _command_offset "${starts[command_at]}"
        elif ((cword == command_at)); then
            mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
        else
            _uuid_filelock_files
        fi
        return 0
    fi

    if [[ -n $value_of ]]; then
        case $value_of in
            --filesystem) _uuid_filelock_words 'auto local network' ;;
            --status-file) _uuid_filelock_files ;;
            --owner-pid) _uuid_filelock_pids ;;
            # Durations, exit codes, texts and shell strings: nothing to offer.
        esac
        ((${#COMPREPLY[@]})) && [[ $prefix ]] && COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
        return 0
    fi

    if [[ $cur == -* ]] && ! $options_done; then
        local waiting='-w --wait --timeout -n --nonblock --retry-interval --verify-delay'
        local judging='--stale-after --no-advisory --filesystem'
        local verbosity='-q --quiet -v --verbose'
        # -s/--shared is left out: the tool refuses it (every lock is exclusive).
        local modes='-x -e --exclusive'
        case $sub in
            run) _uuid_filelock_words "$waiting $judging $verbosity $modes --heartbeat -c
                --command -E --conflict-exit-code --error-exit-code --status-file
                --description -o --close -h --help" ;;
            status) _uuid_filelock_words "--json $judging -h --help" ;;
            acquire) _uuid_filelock_words "$waiting $judging $verbosity $modes
                -E --conflict-exit-code --error-exit-code --owner-pid --owner-parent
                --description -h --help" ;;
            release) _uuid_filelock_words "$verbosity -h --help" ;;
            break) _uuid_filelock_words "--force $judging -h --help" ;;
        esac
        return 0
    fi

    case $sub in
        help) ((cword == sub_at + 1)) && _uuid_filelock_words "$subcommands" ;;
        # LOCKFILE; release's second argument is a token, not a file.
        run | status | acquire | release | break) ((positional == 0)) && _uuid_filelock_files ;;
    esac
    return 0
}

complete -F _uuid_filelock uuid-filelock
