"""One module per page or area; layout only."""
