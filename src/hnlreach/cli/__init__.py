"""The `hnlreach` command: one sub-command per module in this folder.

User errors (HNLInputError, click usage errors) become one line on stderr and exit status 2.
"""
from __future__ import annotations

import importlib
import sys
import warnings

import click

from hnlreach.errors import HNLInputError

# sub-command name -> module in hnlreach.cli defining a click command called `command`
SUBCOMMANDS = {
    "decay": "decay",
    "production": "production",
    "xsec": "xsec",
    "limit": "limit",
    "experiments": "experiments",
    "reproduce": "reproduce",
    "events": "events",
    "data": "data",
    "plot": "plot",
}


class LazyGroup(click.Group):
    """Imports a sub-command's module only when it is run (keeps start-up fast)."""

    def list_commands(self, ctx):
        return sorted(name for name, mod in SUBCOMMANDS.items() if _available(mod))

    def get_command(self, ctx, name):
        mod = SUBCOMMANDS.get(name)
        if mod is None or not _available(mod):
            return None
        return importlib.import_module(f"hnlreach.cli.{mod}").command


def _available(mod: str) -> bool:
    return importlib.util.find_spec(f"hnlreach.cli.{mod}") is not None


@click.group(cls=LazyGroup)
@click.version_option(package_name="hnlreach")
def cli():
    """Heavy-neutral-lepton reach of accelerator experiments."""


def fail(message: str) -> None:
    """Print a one-line error and exit with status 2."""
    click.echo(f"hnlreach: error: {message}".splitlines()[0], err=True)
    sys.exit(2)


def main(argv=None) -> None:
    from hnlreach.outputs.atomic import install_signal_handlers

    install_signal_handlers()  # SIGTERM: clean exit (temporary files removed, workers stopped)
    with warnings.catch_warnings(record=True) as caught:  # shown after success, never before an error
        _run(argv)
    for w in caught:
        click.echo(f"hnlreach: warning: {w.message}".splitlines()[0], err=True)


def _run(argv) -> None:
    try:
        cli.main(args=argv, prog_name="hnlreach", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare `hnlreach`: show help
        click.echo(exc.ctx.get_help())
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        fail(exc.format_message())
    except click.exceptions.Abort:
        fail("aborted")
    except HNLInputError as exc:
        fail(str(exc))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
        fail(str(exc))
    except MemoryError:
        fail("out of memory: ask for a smaller sample (--n, --n-hnl)")
