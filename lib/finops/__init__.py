"""Cost attribution for a log of LLM calls: a seeded call-log generator, a validating reader,
portable costing SQL run by DuckDB, cluster allocation, showback/chargeback, anomaly alerts and caps."""
