"""spec.clients.resources.gpuMemory made real for a Python client: before the app is imported, the
worker caps its own PyTorch CUDA allocations at that many bytes of its GPU, so a client that needs
more fails alone (PyTorch's OutOfMemoryError, in its reply) instead of starving the clients that
share the GPU with it.
"""

import importlib.util
import os


def cap_memory(limit_bytes):
    """Caps this process's PyTorch allocations on its first visible GPU at ``limit_bytes``.

    Returns one line saying what was capped, or why nothing was (no torch, no GPU visible); None
    when no limit is asked for. torch is imported only when it is installed and a limit is set.
    """
    if not limit_bytes:
        return None
    if importlib.util.find_spec("torch") is None:
        return "gpuMemory not enforced: torch is not installed in this worker's Python"
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and visible.strip() in ("", "-1", "NoDevFiles"):
        return "gpuMemory not enforced: no GPU is visible to this worker (CUDA_VISIBLE_DEVICES)"
    import torch

    if not torch.cuda.is_available():
        return "gpuMemory not enforced: torch sees no CUDA device"
    total = torch.cuda.get_device_properties(0).total_memory
    fraction = min(1.0, float(limit_bytes) / float(total))
    torch.cuda.set_per_process_memory_fraction(fraction, 0)
    return (f"gpuMemory: this worker's PyTorch allocations on cuda:0 capped at {int(limit_bytes)} "
            f"bytes ({fraction:.4f} of {total})")
