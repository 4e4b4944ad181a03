"""Deterministic synthetic demonstration deliveries of the Western Balkans Security Barometer.

`spec` declares the questionnaire (items, scales, translations) and `deliveries` how each
(country, year) file is laid out; `model` draws answers from a seeded latent-factor model;
`writer` writes the raw files and `codebook_builder` the codebook that reconciles them.
Every figure these files produce is invented: they imitate no real survey finding.
"""

from __future__ import annotations

from barometer.demo.generate import DEFAULT_SEED, generate_demo_data

__all__ = ["DEFAULT_SEED", "generate_demo_data"]
