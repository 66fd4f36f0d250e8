"""Recipients: the bodies a letter is addressed to."""
