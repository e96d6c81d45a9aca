/** Chart colours per theme: lightweight-charts draws on canvas, so CSS variables can't reach it. */
export type Theme = 'light' | 'dark';

export interface ChartPalette {
  background: string;
  text: string;
  grid: string;
  border: string;
  up: string;
  down: string;
  muted: string;
  volumeUp: string;
  volumeDown: string;
  volumeMuted: string;
  windowFill: string;
  highlight: string;
}

export const PALETTES: Record<Theme, ChartPalette> = {
  light: {
    background: '#ffffff',
    text: '#334155',
    grid: '#eef1f5',
    border: '#d5dbe3',
    up: '#1e8e7e',
    down: '#d8433f',
    muted: '#b9c0ca',
    volumeUp: 'rgba(30,142,126,0.45)',
    volumeDown: 'rgba(216,67,63,0.45)',
    volumeMuted: 'rgba(150,160,175,0.3)',
    windowFill: 'rgba(59,130,246,0.06)',
    highlight: 'rgba(245,158,11,0.16)',
  },
  dark: {
    background: '#12161c',
    text: '#c4ccd8',
    grid: '#1d232c',
    border: '#2a323d',
    up: '#2bb39f',
    down: '#f0605c',
    muted: '#434b57',
    volumeUp: 'rgba(43,179,159,0.45)',
    volumeDown: 'rgba(240,96,92,0.45)',
    volumeMuted: 'rgba(90,100,115,0.35)',
    windowFill: 'rgba(96,165,250,0.07)',
    highlight: 'rgba(251,191,36,0.14)',
  },
};
