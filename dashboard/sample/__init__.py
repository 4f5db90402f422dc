"""sample: the generator of the fictional sample district (canonical CSV files). May import core only."""
