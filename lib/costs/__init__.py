"""Pure, vectorised cost formulas: arrays in, arrays out, no I/O."""
