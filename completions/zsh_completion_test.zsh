#!/usr/bin/env zsh
# Tests the zsh completion of uuid-filelock in a real interactive zsh run
# on a pseudo-terminal (zpty): it types a command line and a TAB, and a
# wrapper around compadd records the matches the completion offers after
# zsh's own matching against the typed prefix. Prints each failing case;
# exits 1 if any failed, 77 (skipped) if zsh/zpty is missing.

here=${0:A:h}
zmodload zsh/zpty 2>/dev/null || { print 'zsh/zpty is not available: skipping'; exit 77 }
zsh -n $here/_uuid-filelock || { print "FAIL: _uuid-filelock does not parse"; exit 1 }

tmp=$(mktemp -d)
trap 'zpty -d comp 2>/dev/null; rm -rf $tmp' EXIT
mkdir $tmp/files $tmp/files/dir
touch $tmp/files/file $tmp/files/other
matches=$tmp/matches

# The shell under test: no startup files (zsh -f), a dumb terminal so that
# ZLE draws plainly, compinit, and TAB bound to a widget that completes,
# then clears the line and writes a line `done` after the matches so that
# the test knows the completion ended.
# The compadd wrapper leaves calls alone that only compute matches (-O, -A,
# -D), as _describe and _path_files make, and records what the others add.
zpty comp "env TERM=dumb zsh -f -i"
zpty -w comp "fpath=($here \$fpath); autoload -U compinit; compinit -u -d $tmp/zcompdump
compadd() {
  if (( \${@[(I)-[OAD]]} )); then builtin compadd \"\$@\"; return; fi
  local -a added; builtin compadd -O added \"\$@\"; print -rl -- \$added >>$matches
  builtin compadd \"\$@\"
}
test-complete() { zle complete-word; BUFFER=; print -r done >>$matches }
zle -N test-complete; bindkey '^I' test-complete
unsetopt beep; LISTMAX=0; zstyle ':completion:*' list-prompt ''
print -r \$\$ >$tmp/pid; print ready >$tmp/ready"

# Waits for FILE to hold the line WORD, reading the terminal meanwhile so
# that the shell never blocks writing to it. The two minutes are for a
# loaded machine, where compinit alone can take tens of seconds.
wait_for() {
  local deadline=$(( SECONDS + 120 )) line
  until [[ -f $1 ]] && grep -qx $2 $1; do
    (( SECONDS < deadline )) || { print "FAIL: the shell under test did not answer"; exit 1 }
    zpty -rt comp line 2>/dev/null || sleep 0.05
  done
}
wait_for $tmp/ready ready
read -r shell_pid <$tmp/pid

# Types LINE and a TAB; sets `offered` to the matches, sorted.
typeset -a offered
complete_line() {
  rm -f $matches
  zpty -n -w comp "$1"$'\t'
  wait_for $matches done
  offered=(${(ou)${(f)"$(<$matches)"}:#done})
}

failed=0
# expect EXPECTED LINE: the matches are exactly EXPECTED (space-separated).
expect() {
  complete_line $2
  if [[ ${(j: :)offered} != $1 ]]; then
    print -r "FAIL '$2': expected '$1', got '${(j: :)offered}'"
    failed=1
  fi
}
# expect_some 'WANTED...' 'UNWANTED...' LINE
expect_some() {
  complete_line $3
  local word
  for word in ${=1}; do
    (( ${offered[(Ie)$word]} )) || { print -r "FAIL '$3': '$word' not offered"; failed=1 }
  done
  for word in ${=2}; do
    (( ! ${offered[(Ie)$word]} )) || { print -r "FAIL '$3': '$word' offered"; failed=1 }
  done
}

subcommands='acquire break help release run status'
expect $subcommands 'uuid-filelock '
expect 'release run' 'uuid-filelock r'
expect '--filesystem' 'uuid-filelock run --fi'
expect 'auto local network' 'uuid-filelock run --filesystem '
expect 'auto local network' 'uuid-filelock status --filesystem='
expect_some '--json --stale-after --help' '--heartbeat --wait' 'uuid-filelock status --'
expect_some '--owner-pid --owner-parent --wait --exclusive' '--heartbeat --json --shared' \
  'uuid-filelock acquire --'
expect_some '--wait' '--owner-pid' 'uuid-filelock acquire --owner-parent --'
expect '--force' 'uuid-filelock break --fo'
expect '--quiet' 'uuid-filelock release --q'
expect $subcommands 'uuid-filelock help '
expect 'dir file other' "uuid-filelock status $tmp/files/"
expect 'file' "uuid-filelock run --wait 10s $tmp/files/f"
expect 'file' "uuid-filelock run -nq $tmp/files/f"
expect '' "uuid-filelock release $tmp/files/file "
expect_some 'ls' '' 'uuid-filelock run /tmp/x ls'
expect_some '--all' '--heartbeat' 'uuid-filelock run /tmp/x ls --a'
expect '--command -c' 'uuid-filelock run /tmp/x -'
expect_some 'ls' '' 'uuid-filelock run /tmp/x -- ls'
expect '' "uuid-filelock run /tmp/x -c "
expect_some $shell_pid '' 'uuid-filelock acquire --owner-pid '

(( failed )) && exit 1
print 'all zsh completion cases passed'
