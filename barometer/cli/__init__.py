"""The `barometer` command line. Each module here owns the commands of one layer."""

from __future__ import annotations

import importlib
import importlib.util

import click

# module -> names of click commands/groups it defines (registered lazily to keep start-up fast).
_COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "barometer.cli.demo_cmds": ("demo_data",),
    "barometer.cli.data_cmds": ("ingest", "codebook"),
    "barometer.cli.stats_cmds": ("crosstab", "frequencies", "trend", "tabbook"),
    "barometer.cli.map_cmds": ("map",),
    "barometer.cli.serve_cmds": ("serve",),
    "barometer.cli.assistant_cmds": ("mcp",),
}


class _LazyGroup(click.Group):
    def list_commands(self, _ctx: click.Context) -> list[str]:
        names = []
        for module, attrs in _COMMAND_MODULES.items():
            if importlib.util.find_spec(module) is not None:
                names.extend(a.replace("_", "-") for a in attrs)
        return sorted(names)

    def get_command(self, _ctx: click.Context, cmd_name: str) -> click.Command | None:
        attr = cmd_name.replace("-", "_")
        for module, attrs in _COMMAND_MODULES.items():
            if attr in attrs and importlib.util.find_spec(module) is not None:
                return getattr(importlib.import_module(module), attr)
        return None


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="barometer")
def main() -> None:
    """barometer: explore public-opinion survey data (weighted crosstabs, trends, a web app)."""
