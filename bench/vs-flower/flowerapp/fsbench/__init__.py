"""Flower app of bench/vs-flower: the workloads of flowersim's side-by-side benchmark."""
