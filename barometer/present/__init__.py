"""Pure builders on top of `barometer.stats` results: figures, tables and exports."""
