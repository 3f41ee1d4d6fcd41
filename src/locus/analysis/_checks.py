"""Checks every public function of ``locus.analysis`` makes on its input, before any cast.

Casting first is what turned bad input into silent wrong answers: ``astype(np.int32)`` wraps
2**32 to 0, a boolean mask read as indices is people 0 and 1, ``-1`` indexes the last person,
and one NaN weight makes every community a singleton. So each argument is checked here, as
given, and a bad one raises ``ValueError`` naming it (``TypeError`` when it is not the kind of
object asked for at all). Every check is one or two vectorised passes over the array (O(n)),
made once per call: the hot loops inside the package call private helpers that skip them.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

# Days are days since 1970-01-01 stored as int32: anything outside is a timestamp in seconds or
# milliseconds, or a wrapped value, never a day (int32 covers every date Python can hold).
DAY_MIN = -(2**31)
DAY_LIMIT = 2**31

# A range's end; None leaves that end open.
Bound = int | None


def integer(
    value: object, name: str, *, low: Bound = 0, high: Bound = None, meaning: str | None = None
) -> int:
    """``value`` as a Python int in ``low <= value < high`` (``None``: unbounded); not a bool.

    ``meaning`` words the range in the message (e.g. "a day number ...").
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    out = int(value)
    _in_range(out, out, name, low, high, meaning)
    return out


def number(value: object, name: str, *, low: float | None = None) -> float:
    """``value`` as a finite Python float, at least ``low``; not a bool."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    out = float(value)
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite, not {out}")
    if low is not None and out < low:
        raise ValueError(f"{name} must be at least {low}, not {out}")
    return out


_DAYS = "a day number (days since 1970-01-01, not a timestamp) from -2**31 to below 2**31"


def day(value: object, name: str) -> int:
    """A day number (days since 1970-01-01) that fits the int32 days are stored in."""
    return integer(value, name, low=DAY_MIN, high=DAY_LIMIT, meaning=_DAYS)


def integers(
    values: ArrayLike,
    name: str,
    *,
    low: Bound = 0,
    high: Bound = None,
    length: int | None = None,
    meaning: str | None = None,
) -> NDArray[np.integer]:
    """A 1-d integer array with every value in ``low <= v < high``, not yet cast.

    Refuses booleans (a mask is not a list of indices), floats (``2.7`` is no index), other
    shapes and out-of-range values; an empty list (which numpy makes float64) is an empty
    int64 array.
    """
    arr = _one_d(values, name, length)
    if arr.dtype == np.bool_:
        if low == 0 and high is not None:
            raise ValueError(f"{name} must be integer indices, not a boolean mask")
        raise ValueError(f"{name} must be integers, not booleans")
    if arr.dtype.kind not in "iu":
        if arr.size == 0:
            return np.zeros(0, dtype=np.int64)
        raise ValueError(f"{name} must be integers, not {arr.dtype}")
    if arr.size:
        _in_range(arr.min(), arr.max(), name, low, high, meaning)
    return arr  # type: ignore[return-value]  # the dtype's kind was checked just above


def days(values: ArrayLike, name: str, *, length: int | None = None) -> NDArray[np.integer]:
    """A 1-d array of day numbers that fit int32 (see :func:`day`)."""
    return integers(values, name, low=DAY_MIN, high=DAY_LIMIT, length=length, meaning=_DAYS)


def weights(values: ArrayLike | None, name: str, length: int) -> NDArray[np.float64] | None:
    """Finite, non-negative weights, one per pair, as float64 (``None`` stays ``None``)."""
    if values is None:
        return None
    arr = _one_d(values, name, length)
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iuf":
        if arr.size == 0:
            return np.zeros(0, dtype=np.float64)
        raise ValueError(f"{name} must be numbers, not {arr.dtype}")
    out = np.asarray(arr, dtype=np.float64)
    _finite_non_negative(out, name)
    return out


def reals(
    values: ArrayLike, name: str, *, bound: float | None = None, low: float | None = None
) -> NDArray[np.float64]:
    """Finite real numbers of any shape (a scalar too), as float64, within ``±bound`` and at
    least ``low`` if given."""
    arr = np.asarray(values)
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be real numbers, not {arr.dtype}")
    out = np.asarray(arr, dtype=np.float64)
    if not np.isfinite(out).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    if bound is not None and out.size and float(np.abs(out).max()) > bound:
        raise ValueError(f"{name} must be from -{bound} to {bound}, not {np.abs(out).max()}")
    if low is not None and out.size and float(out.min()) < low:
        raise ValueError(f"{name} must be at least {low}, not {out.min()}")
    return out


def broadcast(**arrays: NDArray[np.float64]) -> None:
    """Refuse arrays that numpy cannot broadcast together, naming them."""
    try:
        np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {a.shape}" for name, a in arrays.items())
        raise ValueError(f"{' and '.join(arrays)} must broadcast together, not {shapes}") from None


def pairs(
    n: int, a: ArrayLike, b: ArrayLike, names: tuple[str, str] = ("a", "b")
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Parallel 1-d arrays of node indices in ``0..n-1``, as int64."""
    a_ = integers(a, names[0], high=n)
    b_ = integers(b, names[1], high=n, length=a_.size)
    return a_.astype(np.int64, copy=False), b_.astype(np.int64, copy=False)


def mask_or_indices(values: ArrayLike, name: str, n: int) -> NDArray[np.bool_]:
    """A boolean mask over ``n`` people, given as that mask or as indices in ``0..n-1``."""
    arr = np.asarray(values)
    if arr.dtype == np.bool_:
        if arr.shape != (n,):
            raise ValueError(f"a boolean {name} mask must have length {n}")
        return arr
    mask = np.zeros(n, dtype=bool)
    mask[integers(arr, name, high=n)] = True
    return mask


def codes(values: Collection[int] | None, name: str, count: int) -> list[int] | None:
    """A collection of codes in ``0..count-1`` as a list (``None`` stays ``None``)."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not isinstance(values, Collection):
        raise TypeError(f"{name} must be a collection of integer codes")
    return [integer(v, name, high=count, meaning=f"codes in 0..{count - 1}") for v in values]


def square_matrix(
    matrix: object, name: str, *, symmetric: bool = False, upper_ok: bool = False
) -> sp.csr_matrix:
    """A square, finite, non-negative weight matrix (scipy sparse or a 2-d array) as float CSR.

    ``symmetric`` demands ``matrix == matrix.T``; with ``upper_ok`` a matrix with nothing
    below the diagonal (each edge once) is accepted too.
    """
    if sp.issparse(matrix):
        csr = sp.csr_matrix(matrix)
    elif isinstance(matrix, np.ndarray):
        if matrix.ndim != 2:
            raise ValueError(f"{name} must be 2-d, not {matrix.ndim}-d")
        if matrix.dtype == np.bool_ or matrix.dtype.kind not in "iuf":
            raise ValueError(f"{name} must hold numbers, not {matrix.dtype}")
        csr = sp.csr_matrix(matrix)
    else:
        raise TypeError(f"{name} must be a scipy sparse matrix or a 2-d numpy array")
    if csr.shape[0] != csr.shape[1]:
        raise ValueError(f"{name} must be square, not {csr.shape[0]} x {csr.shape[1]}")
    if csr.dtype == np.bool_ or csr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold numbers, not {csr.dtype}")
    csr = csr.astype(np.float64, copy=False)
    _finite_non_negative(csr.data, name)
    if symmetric:
        rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
        upper = upper_ok and not (rows > csr.indices).any()
        if not upper and not _is_symmetric(csr):
            allowed = "symmetric or upper-triangular" if upper_ok else "symmetric"
            raise ValueError(f"{name} must be {allowed}")
    return csr


def _is_symmetric(csr: sp.csr_matrix) -> bool:
    """Whether ``csr`` equals its transpose: the same pattern, and weights within a relative
    1e-9 (sums of the same weights in another order may differ in the last bit). O(nnz),
    one transposition, rather than sparse arithmetic (a quarter of the time at 4M entries)."""
    mine = csr
    if not csr.has_canonical_format or not csr.data.all():
        # Copied: canonical form sorts in place, which must not touch the caller's matrix.
        mine = csr.copy()
        mine.sum_duplicates()
        mine.eliminate_zeros()
    # Transposing a canonical CSR (a counting sort by column) gives one: sorted, no repeats.
    theirs = mine.T.tocsr()
    return (
        np.array_equal(mine.indptr, theirs.indptr)
        and np.array_equal(mine.indices, theirs.indices)
        and bool(np.all(np.abs(mine.data - theirs.data) <= 1e-9 * np.abs(mine.data)))
    )


def instance(value: object, kind: type, name: str) -> None:
    """Refuse ``value`` unless it is a ``kind``."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be a {kind.__name__}, not {type(value).__name__}")


def _one_d(values: ArrayLike, name: str, length: int | None) -> NDArray[np.generic]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array, not {arr.ndim}-d")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name} must have length {length}, not {arr.shape[0]}")
    return arr


def _finite_non_negative(values: NDArray[np.float64], name: str) -> None:
    if values.size == 0:
        return
    if not np.isfinite(values).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    if values.min() < 0:
        raise ValueError(f"{name} must be non-negative")


def _in_range(
    lo: object, hi: object, name: str, low: Bound, high: Bound, meaning: str | None
) -> None:
    """Refuse unless ``low <= lo`` and ``hi < high``, compared as Python ints (no wrapping)."""
    below = low is not None and int(lo) < low  # type: ignore[call-overload]
    above = high is not None and int(hi) >= high  # type: ignore[call-overload]
    if not (below or above):
        return
    bad = lo if below else hi
    if meaning is None and low == 0 and high is not None:
        meaning = f"an index in 0..{high - 1}" if high > 0 else "an index, and there are none"
        if below:
            meaning += " (a negative index does not count from the end)"
    elif meaning is None:
        meaning = f"at least {low}" if below else f"below {high}"
    raise ValueError(f"{name} must be {meaning}, not {bad}")
