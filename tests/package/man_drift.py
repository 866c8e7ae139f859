#!/usr/bin/env python3
"""man_drift.py PROGRAM MANPAGE: the man page says what --help says.

The man pages (man/) are written by hand, beside the command tables their
programs print --help from (hub/main.c, agent/cli.c and each command's option
table). This test keeps them from drifting apart, both ways:
  - every command and subcommand --help names has a section (.SH or .SS)
    of the man page named as typed ("serve", "agent add");
  - every option (--name) and $VARIABLE a command's --help prints appears in
    its section (the program's own usage: in OPTIONS or anywhere);
  - every option the man page lists as an item (.TP) of a section appears in
    that command's --help: an option removed from the program leaves the page.
Commands come from the program itself: the hub's usage lines
("maiam-hub CMD ..."), the agent's command list; subcommands from the
alternatives a command's usage names ("add|list", "maiam-agent household
import"). Exit 0 when they agree, 1 listing every difference."""
import os
import re
import subprocess
import sys
import tempfile

OPTION = re.compile(r"--[a-z][a-z0-9-]*")
VARIABLE = re.compile(r"\$([A-Z][A-Z0-9_]+)")


def run_help(program, words):
    with tempfile.TemporaryDirectory() as home:
        # a home of its own: --help must not need (or make) a store or hub
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C", "MAIAM_HOME": home}
        done = subprocess.run([program] + words + ["--help"], capture_output=True, text=True,
                              env=env, cwd=home, timeout=30)
    if done.returncode != 0:
        sys.exit(f"man_drift: '{' '.join(words)} --help' exited {done.returncode}: {done.stderr}")
    return done.stdout


def man_sections(path):
    """{heading: (text, [options of its .TP items])}, roff escapes undone."""
    sections, name, text, items, tp = {}, "", [], [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n").replace("\\-", "-").replace("\\&", "")
            if line.startswith(".\\\""):
                continue
            head = re.match(r'\.S[HS]\s+"?([^"]*)"?\s*$', line)
            if head:
                sections[name] = ("\n".join(text), items)
                name, text, items, tp = head.group(1).strip().lower(), [], [], False
                continue
            text.append(line)
            if tp:
                items += OPTION.findall(line)[:1]
            tp = line.startswith(".TP")
    sections[name] = ("\n".join(text), items)
    return sections


def commands_of(program, usage):
    """[(section, [words to run --help with])] of every command and subcommand."""
    tool = program.rsplit("/", 1)[-1]
    tops = []
    for line in usage.splitlines():
        m = re.match(r"\s+" + re.escape(tool) + r" ([a-z][a-z-]*)", line) or \
            (tool == "maiam-agent" and re.match(r"  ([a-z][a-z-]*)\s{2,}\S", line))
        if m and m.group(1) not in tops:
            tops.append(m.group(1))
    found = []
    for top in tops:
        text = run_help(program, [top])
        subs = []
        pattern = r"(?:^|;\s*|" + re.escape(tool) + r" )" + re.escape(top) + r" ([a-z][a-z|-]*)"
        for m in re.finditer(pattern, text, re.M):
            for sub in m.group(1).split("|"):
                if sub and sub not in subs:
                    subs.append(sub)
        if tool == "maiam-hub" and "each subcommand's options" in text:
            found += [(f"{top} {sub}", [top, sub]) for sub in subs]
        else:
            # the agent's page has one section per command, its subcommands' options in it
            found.append((top, [top]))
            found += [(top, [top, sub]) for sub in subs]
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: man_drift.py PROGRAM MANPAGE")
    program, page = os.path.abspath(sys.argv[1]), sys.argv[2]
    sections = man_sections(page)
    whole = "\n".join(text for text, _ in sections.values())
    problems = []
    usage = run_help(program, [])
    tool = program.rsplit("/", 1)[-1]
    own = [line for line in usage.splitlines() if not line.startswith(f"  {tool} ")]
    for option in OPTION.findall("\n".join(own)):
        if option not in sections.get("options", ("", []))[0]:
            problems.append(f"the usage's {option} is not in the OPTIONS section of {page}")
    for var in VARIABLE.findall(usage):
        if var not in whole:
            problems.append(f"${var} (the usage) is not in {page}")
    listed = {}
    for section, words in commands_of(program, usage):
        text = run_help(program, words)
        listed.setdefault(section, set())
        if section not in sections:
            problems.append(f"'{' '.join(words)}' has no section '.SS \"{section}\"' in {page}")
            continue
        for option in OPTION.findall(text):
            listed[section].add(option)
            if not re.search(re.escape(option) + r"(?![a-z0-9-])", sections[section][0]):
                problems.append(f"'{' '.join(words)} --help' prints {option}, "
                                f"section '{section}' of {page} does not")
        for var in VARIABLE.findall(text):
            if var not in whole:
                problems.append(f"${var} ('{' '.join(words)} --help') is not in {page}")
    for section, options in listed.items():
        for option in sections.get(section, ("", []))[1]:
            if option not in options:
                problems.append(f"section '{section}' of {page} lists {option}, "
                                f"which no --help of '{section}' prints: remove it or restore the option")
    for p in problems:
        print("man_drift:", p)
    if problems:
        print(f"man_drift: {len(problems)} differences between {program} --help and {page}")
        return 1
    print(f"man_drift: {page} covers every command and option of {program} --help "
          f"({len(listed)} sections)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
