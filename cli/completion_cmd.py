"""``cobuild completion bash|zsh``: a shell completion script, generated
from the command line's own argparse tree (by ``shtab``), so it always
knows every command, option and choice of this version."""

from __future__ import annotations

import argparse

_RAW = argparse.RawDescriptionHelpFormatter

SHELLS = ("bash", "zsh")

DESCRIPTION = """\
打印 cobuild 的命令补全脚本（按 Tab 补全命令、选项和可选值）。
Print cobuild's shell completion script (Tab completes commands, options and choices).

安装 Install:
  bash: 在 ~/.bashrc 中加入 / add to ~/.bashrc:
          eval "$(cobuild completion bash)"
  zsh:  cobuild completion zsh > ~/.zfunc/_cobuild
        并在 ~/.zshrc 中加入 / and add to ~/.zshrc (before compinit):
          fpath=(~/.zfunc $fpath); autoload -U compinit; compinit
"""


def cmd_completion(args: argparse.Namespace) -> int:
    import shtab

    from cli.main import build_parser

    print(shtab.complete(build_parser(), shell=args.shell), end="")
    return 0


def register(sub) -> None:
    """Add ``completion`` to the ``cobuild`` parser."""
    p = sub.add_parser("completion", help="打印命令补全脚本 / print the shell completion script",
                       description=DESCRIPTION, formatter_class=_RAW)
    p.add_argument("shell", choices=SHELLS, help="bash 或 zsh / bash or zsh")
    p.set_defaults(func=cmd_completion)
