import numpy as np

raise ImportError("broken_app needs a library that is not installed")
