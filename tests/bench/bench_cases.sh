#!/bin/bash
# bench_cases.sh CASE COCKPIT HERE: `cockpit bench` end to end on the small
# suites in HERE/suite (alpha with a Lua version, beta without) and
# HERE/bad (every way a benchmark can fail). No timing is asserted: only
# the table's shape, the outputs compared and the exit statuses.
set -u
case=$1 ck=$2 here=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
num='[0-9]+\.[0-9]'
want() {   # want FILE REGEX: a line of FILE matches
  if ! grep -Eq -- "$2" "$1"; then echo "no line of $(basename "$1") matches /$2/"; fail=1; fi
}
wantnot() {
  if grep -Eq -- "$2" "$1"; then echo "a line of $(basename "$1") matches /$2/"; fail=1; fi
}
status() {   # status WANT GOT
  if [ "$2" -ne "$1" ]; then echo "exit status $2, expected $1"; fail=1; fi
}
run() {   # run ARGS...: cockpit bench ARGS into $tmp/out, $tmp/err; sets rc
  TMPDIR=$tmp "$ck" bench "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

case $case in
table)
  run --dir "$here/suite" --runs 2
  status 0 $rc
  want "$tmp/out" "^cockpit bench, [0-9-]+ [0-9:]+ UTC: 2 benchmarks, best of 2 runs, CPU time"
  want "$tmp/out" "^machine: .+, [0-9]+ CPUs?$"
  want "$tmp/out" "^native: gcc [0-9.]+ -O2 -fwrapv; VM: cockpit [0-9.]+; Lua: Lua 5\.4"
  want "$tmp/out" "^benchmark +native ms +VM ms +Lua ms +VM/native +Lua/native +Lua/VM +output$"
  want "$tmp/out" "^alpha +$num +$num +$num( +[0-9]+\.[0-9]{2}){3}  alpha 2219690081$"
  want "$tmp/out" "^beta +$num +$num +n/a +[0-9]+\.[0-9]{2} +- +-  beta 500500$"
  want "$tmp/out" "^geomean( +[0-9]+\.[0-9]{2}){3}$"
  wantnot "$tmp/out" "instructions"
  [ -s "$tmp/err" ] && { echo "stderr:"; cat "$tmp/err"; fail=1; }
  # the work directory is gone
  [ -z "$(ls -A "$tmp" | grep -v '^out$\|^err$')" ] || { echo "left behind:"; ls "$tmp"; fail=1; }
  ;;
only)
  run --dir "$here/suite" --runs 1 --only beta
  status 0 $rc
  want "$tmp/out" "1 benchmark, best of 1 run,"
  want "$tmp/out" "^beta "
  wantnot "$tmp/out" "^alpha "
  ;;
profile)
  run --dir "$here/suite" --runs 1 --profile=3
  status 0 $rc
  want "$tmp/out" "^VM profile \(each benchmark weighted equally; shares of executed instructions\)$"
  want "$tmp/out" "^alpha +[0-9]{6,}$"
  want "$tmp/out" "^beta +[0-9]{4,}$"
  want "$tmp/out" "^opcodes \(top 3 of [0-9]+\):$"
  want "$tmp/out" "^opcode pairs, superinstruction candidates \(top 3 of [0-9]+\):$"
  want "$tmp/out" "^ +[0-9]+\.[0-9]% +[0-9]+\.[0-9]%  [A-Z0-9]+ -> [A-Z0-9]+$"
  [ "$(grep -c '%  [A-Z0-9]* -> ' "$tmp/out")" -eq 3 ] || { echo "not 3 pair rows"; fail=1; }
  # a benchmark that fails on the VM is not profiled
  run --dir "$here/bad" --runs 1 --only deep --profile
  status 1 $rc
  wantnot "$tmp/out" "^deep +[0-9]+$"
  want "$tmp/out" "^VM profile"
  ;;
json)
  run --dir "$here/suite" --runs 1 --json --profile=2
  status 0 $rc
  cmake -DFILE="$tmp/out" -P "$here/check_json.cmake" || fail=1
  ;;
callgrind)
  run --dir "$here/suite" --runs 1 --callgrind
  status 0 $rc
  want "$tmp/out" "^instructions \(valgrind-[0-9.]+ --tool=callgrind, millions\)$"
  want "$tmp/out" "^alpha +$num +$num +[0-9]+\.[0-9]{2}$"
  want "$tmp/out" "^beta +$num +$num +[0-9]+\.[0-9]{2}$"
  want "$tmp/out" "^geomean +[0-9]+\.[0-9]{2}$"
  ;;
no_lua)
  run --dir "$here/suite" --runs 1 --lua "$tmp/no-such-lua"
  status 0 $rc
  want "$tmp/err" "no-such-lua' not found: no Lua times$"
  want "$tmp/out" "Lua: not found$"
  want "$tmp/out" "^alpha +$num +$num +n/a +[0-9]+\.[0-9]{2} +- +-  alpha"
  ;;
bad)
  run --dir "$here/bad" --runs 1
  status 1 $rc
  want "$tmp/err" "differs: Lua printed 'differs 2', native printed 'differs 1'$"
  want "$tmp/err" "deep: VM run failed \(status 70\): .*deep\.c:6: fault: stack overflow"
  want "$tmp/err" "nobuild\.c: native build with .*gcc failed$"
  want "$tmp/err" "novm\.c:4:.*floating"
  want "$tmp/out" "^deep +$num +failed +n/a +- +- +-  deep 100000$"
  want "$tmp/out" "^differs +$num +$num +differs +[0-9]+\.[0-9]{2} +- +-  differs 1$"
  want "$tmp/out" "^nobuild +no build +no build +n/a( +-){3}  $"
  want "$tmp/out" "^novm +$num +no build +n/a( +-){3}  novm 2$"
  want "$tmp/out" "^geomean +[0-9]+\.[0-9]{2} +- +-$"
  ;;
bad_callgrind)
  # a valgrind that fails, then one that counts but the program prints
  # something else (fake ones, first in PATH)
  mkdir -p "$tmp/bin"
  printf '#!/bin/sh\n[ "$1" = --version ] && echo valgrind-fake && exit 0\nexit 3\n' >"$tmp/bin/valgrind"
  chmod +x "$tmp/bin/valgrind"
  PATH="$tmp/bin:$PATH" run --dir "$here/suite" --runs 1 --only beta --callgrind
  status 1 $rc
  want "$tmp/err" "beta: native \(callgrind\) failed$"
  want "$tmp/err" "beta: VM \(callgrind\) failed$"
  want "$tmp/out" "^beta +failed +failed +-$"
  want "$tmp/out" "^beta +$num +$num +n/a +[0-9]+\.[0-9]{2} +- +-  beta 500500$"
  printf '#!/bin/sh\necho "==1== Collected : 1234567" >&2\necho other\n' >"$tmp/bin/valgrind"
  PATH="$tmp/bin:$PATH" run --dir "$here/suite" --runs 1 --only beta --callgrind
  status 1 $rc
  want "$tmp/err" "beta: native \(callgrind\) printed 'other', native printed 'beta 500500'$"
  want "$tmp/out" "^beta +differs +differs +-$"
  # one that counts 1234567 and runs the program: a benchmark that failed
  # its timed runs is not counted
  printf '#!/bin/sh\necho "==1== Collected : 1234567" >&2\nshift 2\nexec "$@"\n' >"$tmp/bin/valgrind"
  PATH="$tmp/bin:$PATH" run --dir "$here/bad" --runs 1 --only deep --callgrind
  status 1 $rc
  want "$tmp/out" "^deep +1\.2 +- +-$"
  PATH="$tmp/bin:$PATH" run --dir "$here/suite" --runs 1 --callgrind
  status 0 $rc
  want "$tmp/out" "^alpha +1\.2 +1\.2 +1\.00$"
  # with --profile: host instructions per VM instruction
  PATH="$tmp/bin:$PATH" run --dir "$here/suite" --runs 1 --callgrind --profile --only alpha
  status 0 $rc
  want "$tmp/out" "^benchmark +instructions  host per VM$"
  want "$tmp/out" "^alpha +[0-9]+ +[0-9]+\.[0-9]$"
  ;;
profile_fault)
  # the fault line (the board's), then exactly the profile of 4 instructions
  "$ck" run "$here/progs/fault.s" --profile >"$tmp/out" 2>"$tmp/err"
  status 70 $?
  [ -s "$tmp/out" ] && { echo "stdout not empty"; fail=1; }
  head -n 1 "$tmp/err" | grep -Eq "^fault\.c:3: fault: division by zero" || { echo "no fault line first"; fail=1; }
  tail -n +2 "$tmp/err" >"$tmp/prof"
  cmp -s "$here/progs/fault.profile" "$tmp/prof" || { diff "$here/progs/fault.profile" "$tmp/prof"; fail=1; }
  ;;
empty_dir)
  mkdir "$tmp/empty"
  run --dir "$tmp/empty"
  status 1 $rc
  want "$tmp/err" "empty: no benchmarks \(\*\.c\)$"
  [ -s "$tmp/out" ] && { echo "stdout not empty"; fail=1; }
  ;;
*)
  echo "bench_cases.sh: unknown case $case"; exit 2 ;;
esac
if [ $fail -ne 0 ]; then
  echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"
fi
exit $fail
