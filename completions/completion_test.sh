#!/usr/bin/env bash
# Tests the bash completion of uuid-filelock by calling its function the way
# bash does, with COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set, and
# comparing COMPREPLY with what is expected. The cases run twice: in a plain
# bash, and with the bash-completion package loaded when it is installed,
# since the completion takes other paths (_filedir, _command_offset) there.
# Prints each failing case; exits 1 if any failed.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
files=$tmp/files
mkdir "$files" "$files/dir" && touch "$files/file" "$files/other file" || exit 1

# Runs the completion for a command line given as its words, the last one
# being the word under the cursor (empty after a space); sets COMPREPLY.
# Returns 1, printing why, if the completion wrote an error.
complete_words()
{
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    local prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    _uuid_filelock uuid-filelock "${COMP_WORDS[COMP_CWORD]}" "$prev" 2>"$tmp/stderr"
    # compopt refuses to run outside a real completion, which is harmless.
    if grep -v 'compopt: not currently executing completion function' "$tmp/stderr" >&2; then
        echo "FAIL [$mode] '$COMP_LINE': the completion wrote errors" >&2
        return 1
    fi
}

# The replies, sorted, one a line.
replies()
{
    ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort -u
}

# expect EXPECTED WORD...: the replies are exactly EXPECTED (space-separated).
expect()
{
    local expected=$1
    shift
    complete_words "$@" || return 1
    local got
    got=$(replies | tr '\n' ' ')
    if [[ ${got% } != "$expected" ]]; then
        echo "FAIL [$mode] '$COMP_LINE': expected '$expected', got '${got% }'" >&2
        return 1
    fi
}

# expect_some 'WANTED...' 'UNWANTED...' WORD...: the replies include every
# wanted word and none of the unwanted ones.
expect_some()
{
    local wanted=$1 unwanted=$2 word
    shift 2
    complete_words "$@" || return 1
    local got
    got=$(replies)
    for word in $wanted; do
        if ! grep -qxF -- "$word" <<<"$got"; then
            echo "FAIL [$mode] '$COMP_LINE': '$word' not offered" >&2
            return 1
        fi
    done
    for word in $unwanted; do
        if grep -qxF -- "$word" <<<"$got"; then
            echo "FAIL [$mode] '$COMP_LINE': '$word' offered" >&2
            return 1
        fi
    done
}

# Runs every case; returns 1 if any failed.
run_cases()
{
    local failed=0 subcommands='acquire break help release run status'
    expect "$subcommands" uuid-filelock '' || failed=1
    expect "$subcommands" uuid-filelock -V '' || failed=1
    expect '--help --version -V -h' uuid-filelock - || failed=1
    expect 'release run' uuid-filelock r || failed=1
    expect '--filesystem' uuid-filelock run --fi || failed=1
    expect 'auto local network' uuid-filelock run --filesystem '' || failed=1
    expect 'local' uuid-filelock break --force --filesystem l || failed=1
    # bash splits `--filesystem=` at the `=`.
    expect 'auto local network' uuid-filelock status --filesystem = '' || failed=1
    expect 'network' uuid-filelock status --filesystem = n || failed=1
    # Without `=` in COMP_WORDBREAKS the replies must keep the option.
    COMP_WORDBREAKS=${COMP_WORDBREAKS//=/} expect '--filesystem=local' \
        uuid-filelock status --filesystem=l || failed=1
    expect_some '--json --stale-after --no-advisory --filesystem --help' \
        '--heartbeat --wait -c' uuid-filelock status -- || failed=1
    # --shared is refused by the tool, so it is not offered.
    expect_some '--owner-pid --owner-parent --wait --exclusive' '--heartbeat --json --shared' \
        uuid-filelock acquire - || failed=1
    expect '--force' uuid-filelock break --fo || failed=1
    expect '--quiet' uuid-filelock release --q || failed=1
    expect "$subcommands" uuid-filelock help '' || failed=1
    expect 'release run' uuid-filelock help r || failed=1
    expect '' uuid-filelock help run '' || failed=1

    # File arguments: the lock file, and --status-file's value.
    expect "$files/dir $files/file $files/other file" uuid-filelock status "$files/" || failed=1
    expect "$files/file" uuid-filelock run --wait 10s "$files/f" || failed=1
    expect "$files/file" uuid-filelock run --status-file "$files/f" || failed=1
    expect "$files/file" uuid-filelock acquire -- "$files/f" || failed=1
    expect "$files/dir" uuid-filelock release "$files/d" || failed=1
    # Release's second argument is a token, and durations are free text.
    expect '' uuid-filelock release "$files/file" '' || failed=1
    expect '' uuid-filelock run --wait '' || failed=1
    expect '' uuid-filelock run -qw '' || failed=1
    # Bundled short options: -w takes the next word.
    expect "$files/file" uuid-filelock run -qw 5 "$files/f" || failed=1
    expect '' uuid-filelock acquire --stale-after 1 || failed=1

    # After run's LOCKFILE come COMMAND and its arguments, or -c.
    expect_some 'ls' '' uuid-filelock run /tmp/x ls || failed=1
    expect_some 'ls' '' uuid-filelock run -w 5 --filesystem local /tmp/x ls || failed=1
    expect "$files/file" uuid-filelock run /tmp/x ls "$files/f" || failed=1
    # Only bash-completion knows the options of other commands.
    if [[ $mode == bash-completion ]]; then
        expect '--almost-all' uuid-filelock run /tmp/x ls --almost || failed=1
    fi
    expect '--command -c' uuid-filelock run /tmp/x - || failed=1
    expect_some 'ls' '' uuid-filelock run /tmp/x -- ls || failed=1
    expect "$files/file" uuid-filelock run /tmp/x -- -c "$files/f" || failed=1
    expect '' uuid-filelock run /tmp/x -c '' || failed=1
    expect '' uuid-filelock run -c '' || failed=1

    expect_some "$$" '' uuid-filelock acquire --owner-pid '' || failed=1
    expect_some "$$" '' uuid-filelock acquire --owner-pid = '' || failed=1
    return $failed
}

# shellcheck source=uuid-filelock.bash
source "$here/uuid-filelock.bash" || exit 1
failed=0
mode='plain bash'
(run_cases) || failed=1

# Where distributions and Homebrew put bash-completion's main script.
for script in /usr/share/bash-completion/bash_completion \
    /usr/local/share/bash-completion/bash_completion \
    /opt/homebrew/share/bash-completion/bash_completion; do
    [[ -r $script ]] || continue
    mode=bash-completion
    # shellcheck disable=SC1090
    (source "$script" && run_cases) || failed=1
    break
done
[[ $mode == bash-completion ]] || echo "bash-completion is not installed: tested in plain bash only"

((failed)) && exit 1
echo "all bash completion cases passed"
