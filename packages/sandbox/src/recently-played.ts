/** A catalog resource as the Apple Music API returns it (the fields the sandbox fills). */
export interface CatalogResource {
  id: string;
  type: 'songs' | 'albums' | 'playlists' | 'stations';
  href: string;
  attributes: Record<string, unknown>;
}

const ARTIST = 'The Loopback Emulators';
const ALBUM_ID = '1700000001';
const ALBUM_NAME = 'Sandbox Sessions';
const SONGS = [
  { id: '1700000011', name: 'Bridge Page Blues', durationInMillis: 201_000 },
  { id: '1700000012', name: 'Popup Window', durationInMillis: 187_500 },
  { id: '1700000013', name: 'Three Dots (Token Song)', durationInMillis: 243_250 },
];

/**
 * Songs for `GET /v1/me/recent/played/tracks`: fictitious catalog songs in
 * the shape of Apple's `songs` resources, linked to `storefront`.
 */
export function recentlyPlayedTracks(storefront: string): CatalogResource[] {
  return SONGS.map((song, index) => ({
    id: song.id,
    type: 'songs',
    href: `/v1/catalog/${storefront}/songs/${song.id}`,
    attributes: {
      albumName: ALBUM_NAME,
      artistName: ARTIST,
      artwork: artwork(),
      discNumber: 1,
      durationInMillis: song.durationInMillis,
      genreNames: ['Electronic', 'Music'],
      hasLyrics: false,
      isAppleDigitalMaster: false,
      isrc: `ZZSBX240000${index + 1}`,
      name: song.name,
      playParams: { id: song.id, kind: 'song' },
      previews: [],
      releaseDate: '2024-05-17',
      trackNumber: index + 1,
      url: `https://music.apple.com/${storefront}/album/sandbox-sessions/${ALBUM_ID}?i=${song.id}`,
    },
  }));
}

/**
 * Resources for `GET /v1/me/recent/played`: Apple answers with albums,
 * playlists and stations there (songs are under `/recent/played/tracks`).
 */
export function recentlyPlayedResources(storefront: string): CatalogResource[] {
  return [
    {
      id: ALBUM_ID,
      type: 'albums',
      href: `/v1/catalog/${storefront}/albums/${ALBUM_ID}`,
      attributes: {
        artistName: ARTIST,
        artwork: artwork(),
        copyright: '℗ 2024 Sandbox Records',
        genreNames: ['Electronic', 'Music'],
        isCompilation: false,
        isComplete: true,
        isMasteredForItunes: false,
        isSingle: false,
        name: ALBUM_NAME,
        playParams: { id: ALBUM_ID, kind: 'album' },
        recordLabel: 'Sandbox Records',
        releaseDate: '2024-05-17',
        trackCount: SONGS.length,
        upc: '000000000017',
        url: `https://music.apple.com/${storefront}/album/sandbox-sessions/${ALBUM_ID}`,
      },
    },
    {
      id: 'pl.sandbox0000000000000000000000001',
      type: 'playlists',
      href: `/v1/catalog/${storefront}/playlists/pl.sandbox0000000000000000000000001`,
      attributes: {
        artwork: artwork(),
        curatorName: 'Apple Music Sandbox',
        isChart: false,
        lastModifiedDate: '2024-06-01T08:00:00Z',
        name: 'Emulated Hits',
        playParams: { id: 'pl.sandbox0000000000000000000000001', kind: 'playlist' },
        playlistType: 'editorial',
        url: `https://music.apple.com/${storefront}/playlist/emulated-hits/pl.sandbox0000000000000000000000001`,
      },
    },
    {
      id: 'ra.1700000100',
      type: 'stations',
      href: `/v1/catalog/${storefront}/stations/ra.1700000100`,
      attributes: {
        artwork: artwork(),
        isLive: false,
        mediaKind: 'audio',
        name: `${ARTIST} Station`,
        playParams: { id: 'ra.1700000100', kind: 'radioStation', format: 'stream' },
        url: `https://music.apple.com/${storefront}/station/ra.1700000100`,
      },
    },
  ];
}

function artwork(): Record<string, unknown> {
  return {
    width: 3000,
    height: 3000,
    url: 'https://example.com/apple-music-sandbox/artwork/{w}x{h}bb.jpg',
    bgColor: '1d1d1f',
    textColor1: 'ffffff',
    textColor2: 'f5f5f7',
    textColor3: 'd2d2d7',
    textColor4: 'c7c7cc',
  };
}
