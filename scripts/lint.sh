#!/bin/sh
# Style and safety checks run by CI (STYLE.md 13 and 17):
#  - banned functions in src/ (curl's checksrc idea);
#  - clang-format agreement for every tracked C file;
#  - cppcheck on src/ (warnings, portability, performance).
set -eu
cd "$(dirname "$0")/.."
status=0

banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|gets|system|popen)[[:space:]]*\('
if grep -rnE "$banned" src/ --include='*.c' --include='*.h'; then
    echo "lint: banned function in src/ (use snprintf, memcpy with lengths, strtol...)" >&2
    status=1
fi

files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c' 2>/dev/null || true)
if [ -n "$files" ]; then
    # shellcheck disable=SC2086
    if ! clang-format --dry-run --Werror $files 2>/tmp/tongban-format.$$; then
        head -n 30 /tmp/tongban-format.$$ >&2
        echo "lint: formatting differs; run 'make format'" >&2
        status=1
    fi
    rm -f /tmp/tongban-format.$$
fi

if ! cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
    --inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -Isrc src/ 2>&1; then
    echo "lint: cppcheck found problems" >&2
    status=1
fi
# clang-tidy (checks in .clang-tidy) needs the compile database of a build.
[ -f build/compile_commands.json ] || cmake -S . -B build >/dev/null
# shellcheck disable=SC2046
if ! clang-tidy -p build --quiet $(git ls-files 'src/*.c') 2>/tmp/tongban-tidy.$$ >/tmp/tongban-tidy-out.$$; then
    grep -E "warning:|error:" /tmp/tongban-tidy-out.$$ | head -n 30 >&2
    echo "lint: clang-tidy found problems" >&2
    status=1
fi
rm -f /tmp/tongban-tidy.$$ /tmp/tongban-tidy-out.$$

[ $status -eq 0 ] && echo "lint: ok"
exit $status
