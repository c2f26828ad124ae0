"""Gold readers and scorers behind ``dyads eval``; each prints figures anyone can reproduce."""
