// The map: Leaflet with quarter's own tiles (the city's walking network,
// WGS-84) or the configured external tiles (GCJ-02 for Chinese commercial
// tiles).  The API always speaks WGS-84: toMap / fromMap convert at the edge.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { optional } from './api.js';
import { t } from './i18n.js';
import { wgsToGcj, gcjToWgs } from './coords.js';

const DEFAULT = { tiles: '/api/v1/tiles/{z}/{x}/{y}.png', crs: 'wgs84', min_zoom: 11, max_zoom: 19, bounds: null };

export async function mapConfig() {
  try {
    return { ...DEFAULT, ...((await optional('GET', '/map')) || {}) };
  } catch {
    return DEFAULT;
  }
}

export async function createMap(el, opts = {}) {
  const cfg = await mapConfig();
  const gcj = cfg.crs === 'gcj02';
  const toMap = (lon, lat) => {
    const [x, y] = gcj ? wgsToGcj(lon, lat) : [lon, lat];
    return L.latLng(y, x);
  };
  const fromMap = (ll) => (gcj ? gcjToWgs(ll.lng, ll.lat) : [ll.lng, ll.lat]);
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', t('map.label'));
  const map = L.map(el, { zoomControl: true, attributionControl: true, keyboard: true, minZoom: cfg.min_zoom, maxZoom: cfg.max_zoom });
  map.attributionControl.setPrefix(false);
  L.tileLayer(cfg.tiles, { maxZoom: cfg.max_zoom, minZoom: cfg.min_zoom, attribution: cfg.attribution || t('map.attribution') }).addTo(map);
  if (cfg.bounds) {
    const [w, s, e, n] = cfg.bounds;
    map.fitBounds(L.latLngBounds(toMap(w, s), toMap(e, n)));
  } else map.setView(toMap(opts.lon ?? 118.7785, opts.lat ?? 32.0451), 15);
  // GeoJSON from the API (WGS-84) drawn in the map's system
  const geojson = (data, style) =>
    L.geoJSON(data, {
      coordsToLatLng: (c) => toMap(c[0], c[1]),
      ...style,
    });
  return { L, map, cfg, toMap, fromMap, geojson };
}
