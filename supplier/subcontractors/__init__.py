"""Sub-contractors a holder declares on its contract: the service and the holder's page."""
