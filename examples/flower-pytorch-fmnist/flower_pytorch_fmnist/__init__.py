"""flower-pytorch-fmnist: Fashion-MNIST with an MLP in PyTorch, as a Flower App."""
