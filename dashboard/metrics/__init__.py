"""metrics: the measures as polars computations (gains, trust change and index, CPL cadence, readiness, the
school summary) and the tables that read them through the store's query units. May import store and core."""
