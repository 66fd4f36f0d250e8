"""Recipients: the bodies and people a letter is addressed and delivered to."""
