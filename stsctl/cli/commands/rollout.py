"""`stsctl rollout`."""
