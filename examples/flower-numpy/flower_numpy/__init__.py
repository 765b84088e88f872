"""flower-numpy: federated linear regression in NumPy."""
