#!/usr/bin/env bash
# Compiles every C++ block of README.md against an installed libregistry, so
# that the README's code keeps compiling as the library changes.
#
# Each ```cpp block follows, on the line right before its fence, a comment
#   <!-- snippet: SCOPE [PRELUDE...] -->
# SCOPE is `body` (statements: the block becomes the body of `int main()`)
# or `file` (code at namespace scope). Each PRELUDE names a header
# test/readme/PRELUDE.hpp that declares what the README's text gives the
# block (the variables of an earlier block, the reader's own actors); the
# includes a reader needs are in the block itself. A block's leading
# #include lines come first, then the preludes, then the rest of the block,
# with #line directives, so that errors point into README.md. Blocks that
# are not C++ to compile have fences of their own (sh, cmake, ini); C++
# under another fence name (c++, cxx, cc) is refused. A new block needs its
# comment; a variable the text gives it that no prelude declares goes into
# a prelude (a new one, or the one of the block that introduces it).
#
# Only compiles (object files): the blocks are fragments.
# Usage: scripts/check-readme.sh PREFIX BUILD_DIR
#   PREFIX: an install of libregistry with libregistry::testing
#   BUILD_DIR: where the generated sources and their build go
set -euo pipefail
shopt -s nullglob

if [ $# -ne 2 ]; then
  echo "usage: $0 PREFIX BUILD_DIR" >&2
  exit 2
fi
prefix=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
cd "$(dirname "$0")/.."

echo "extracting the C++ blocks of README.md into $build/snippets"
fresh="$build/snippets.new"
snippets="$build/snippets"
rm -rf "$fresh"
mkdir -p "$fresh" "$snippets"
awk -v dir="$fresh" -v final="$snippets" -v preludes="test/readme" '
  function fail(msg) {
    printf "README.md:%d: %s\n", NR, msg > "/dev/stderr"
    failed = 1
    exit 1
  }
  function emit(text) { print text > out; lines++ }
  # The next line emitted is line `n` of README.md.
  function at(n) { emit("#line " n " \"README.md\"") }
  # The lines emitted next are counted in the generated file again (under
  # the name it has once copied from `dir` to `final`).
  function back() { emit("#line " (lines + 2) " \"" final "/" name "\"") }
  function end_head(    i) {
    back()
    for (i = 2; i <= nwords; i++)
      emit("#include \"" words[i] ".hpp\"")
    if (words[1] == "body")
      emit("int main() {")
    in_head = 0
  }
  !in_block && /^[ \t]*<!-- snippet:/ {
    if (!match($0, /<!-- snippet:.*-->[ \t]*$/))
      fail("a snippet comment is one line, ending with -->")
    spec = $0
    sub(/^[ \t]*<!-- snippet:[ \t]*/, "", spec)
    sub(/[ \t]*-->[ \t]*$/, "", spec)
    nwords = split(spec, words, /[ \t]+/)
    if (words[1] != "body" && words[1] != "file")
      fail("snippet scope \"" words[1] "\": say body or file")
    for (i = 2; i <= nwords; i++) {
      header = preludes "/" words[i] ".hpp"
      if ((getline ignored < header) < 0)
        fail("no prelude " header)
      close(header)
    }
    spec_line = NR
    next
  }
  !in_block && /^[ \t]*```/ {
    lang = $0
    sub(/^[ \t]*```[ \t]*/, "", lang)
    sub(/[ \t].*$/, "", lang)
    if (tolower(lang) ~ /^(c\+\+|cxx|cc|hpp|h)$/)
      fail("a C++ block fenced as ```" lang ": fence it ```cpp to have it compiled")
    if (lang != "cpp") {
      if (spec_line)
        fail("the snippet comment of line " spec_line " is not before a ```cpp block")
      next
    }
    if (spec_line != NR - 1)
      fail("a ```cpp block with no <!-- snippet: SCOPE [PRELUDE...] --> line right before it")
    spec_line = 0
    name = sprintf("snippet_%02d.cpp", ++count)
    out = dir "/" name
    lines = 0
    emit("// README.md, the block of line " NR ": written by scripts/check-readme.sh")
    in_block = in_head = 1
    next
  }
  in_block && /^[ \t]*```[ \t]*$/ {
    if (in_head)
      end_head()
    if (words[1] == "body")
      emit("}")
    close(out)
    in_block = 0
    next
  }
  in_block && in_head && /^[ \t]*#[ \t]*include/ { at(NR); emit($0); next }
  in_block && in_head && /^[ \t]*$/ { next }
  in_block {
    if (in_head) {
      end_head()
      at(NR)
    }
    emit($0)
  }
  END {
    if (failed)
      exit 1
    if (spec_line)
      fail("the snippet comment of line " spec_line " is not before a ```cpp block")
    if (in_block)
      fail("the ```cpp block does not end")
    printf "%d blocks\n", count
  }
' README.md

# Unchanged sources keep their time stamps: a second run compiles only the
# blocks that changed.
for file in "$snippets"/*.cpp; do
  [ -e "$fresh/${file##*/}" ] || rm "$file"
done
for file in "$fresh"/*.cpp; do
  cmp -s "$file" "$snippets/${file##*/}" || cp "$file" "$snippets/"
done

echo "compiling them against $prefix"
# Make, told to keep going: one run reports every block that fails.
cmake -S test/readme -B "$build/cmake" -G "Unix Makefiles" \
  -DCMAKE_PREFIX_PATH="$prefix" -DREADME_SNIPPETS_DIR="$snippets" >/dev/null
if ! cmake --build "$build/cmake" -j2 -- -k; then
  echo "a C++ block of README.md does not compile (errors above, at README.md:LINE)" >&2
  exit 1
fi
echo "every C++ block of README.md compiles"
