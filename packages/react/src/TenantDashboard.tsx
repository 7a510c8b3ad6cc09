import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import type { TenantDashboardError } from './errors.js';
import type { EmbedToken } from './fetch-token.js';
import { originOf, readFrameMessage, setTokenMessage } from './messages.js';
import {
  DefaultError,
  DefaultExpired,
  DefaultLoading,
  type ErrorSlotProps,
  type ExpiredSlotProps,
} from './slots.js';
import { useEmbedToken, type UseEmbedTokenOptions } from './use-embed-token.js';
import { useLatest } from './use-latest.js';

/** Scripts and the dashboard's own session must run; popups let charts open links. Nothing else. */
export const DEFAULT_SANDBOX = 'allow-scripts allow-same-origin allow-popups';
export const DEFAULT_TITLE = 'Analytics dashboard';
export const DEFAULT_REFERRER_POLICY = 'strict-origin-when-cross-origin';

export type TenantDashboardState =
  'loading' | 'ready' | 'refreshing' | 'refresh-failed' | 'error' | 'expired';

export interface TenantDashboardProps extends UseEmbedTokenOptions {
  /** The iframe's accessible name. */
  title?: string;
  sandbox?: string;
  allow?: string;
  referrerPolicy?: React.HTMLAttributeReferrerPolicy;
  className?: string;
  style?: CSSProperties;
  /** Follow the height the embedded page reports (sandbox extension). Default true. */
  autoHeight?: boolean;
  /** The frame finished loading a dashboard page. */
  onLoad?: () => void;
  /** A token fetch failed, or the configuration is unusable; `error.code` is stable. */
  onError?: (error: TenantDashboardError) => void;
  /** A newer token replaced the previous one. */
  onTokenRefresh?: (token: EmbedToken) => void;
  renderLoading?: () => ReactNode;
  renderError?: (props: ErrorSlotProps) => ReactNode;
  renderExpired?: (props: ExpiredSlotProps) => ReactNode;
}

interface Frame {
  key: string;
  url: string;
  token: EmbedToken;
}

/** A tenant's dashboard in an iframe, its token fetched and kept fresh without blanking the view. */
export function TenantDashboard(props: TenantDashboardProps): ReactNode {
  const {
    title = DEFAULT_TITLE,
    sandbox = DEFAULT_SANDBOX,
    allow = 'fullscreen',
    referrerPolicy = DEFAULT_REFERRER_POLICY,
    className,
    style,
    renderLoading = DefaultLoading,
    renderError = DefaultError,
    renderExpired = DefaultExpired,
  } = props;
  const result = useEmbedToken(props);
  const { token, embedUrl, error, refresh } = result;
  const latest = useLatest(props);
  const now = props.now ?? Date.now;
  const frameRef = useRef<HTMLIFrameElement>(null);
  const key = `${props.tenantId}\u0000${props.dashboardId ?? ''}`;

  const [frameState, setFrame] = useState<Frame>();
  const [messaging, setMessaging] = useState(false);
  const [height, setHeight] = useState<number>();
  // What the frame shows: the loaded token, or (first render, other dashboard) the current one at once.
  const frame =
    frameState?.key === key ? frameState : token && embedUrl ? { key, url: embedUrl, token } : undefined;
  const origin = originOf(frame?.url);

  useEffect(() => {
    if (!token || !embedUrl) return;
    if (!frameState || frameState.key !== key) {
      setFrame({ key, url: embedUrl, token });
      setMessaging(false);
      setHeight(undefined);
      return;
    }
    if (frameState.token === token) return;
    if (messaging) {
      // The page takes tokens by message: hand it over, keep the src, no reload.
      frameRef.current?.contentWindow?.postMessage(
        setTokenMessage(token.token, token.expiresAt),
        origin ?? '/',
      );
      setFrame({ ...frameState, token });
      return;
    }
    // Otherwise keep the loaded page on its own token until just before it dies, then load the new one.
    const swap = () => setFrame({ key, url: embedUrl, token });
    const delay = frameState.token.schedule.swapSrcAtMs - now();
    if (delay <= 0) return swap();
    const id = setTimeout(swap, delay);
    return () => clearTimeout(id);
  }, [token, embedUrl, frameState, key, messaging, origin, now]);

  useEffect(() => {
    if (!origin) return;
    const onMessage = (event: MessageEvent) => {
      const message = readFrameMessage(event, frameRef.current?.contentWindow, origin);
      if (!message) return;
      if (message.type === 'tenantdash:ready') setMessaging(true);
      else if (message.type === 'tenantdash:resize') {
        if (latest.current.autoHeight !== false) setHeight(message.height);
      } else refresh();
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin, refresh, latest]);

  useEffect(() => {
    if (error) latest.current.onError?.(error);
  }, [error, latest]);

  const previous = useRef<EmbedToken>(undefined);
  useEffect(() => {
    if (!token) return;
    if (previous.current && previous.current !== token) latest.current.onTokenRefresh?.(token);
    previous.current = token;
  }, [token, latest]);

  let state: TenantDashboardState = result.status;
  let content: ReactNode;
  if (result.status === 'ready' && frame) {
    if (result.isRefreshing) state = 'refreshing';
    else if (error) state = 'refresh-failed';
    content = (
      <iframe
        ref={frameRef}
        title={title}
        src={frame.url}
        sandbox={sandbox}
        allow={allow}
        referrerPolicy={referrerPolicy}
        onLoad={() => latest.current.onLoad?.()}
        style={{
          display: 'block',
          width: '100%',
          height: height === undefined ? 'var(--tenantdash-height, 600px)' : `${height}px`,
          border: 'var(--tenantdash-border, 0)',
          borderRadius: 'var(--tenantdash-radius, 8px)',
          background: 'var(--tenantdash-background, transparent)',
        }}
      />
    );
  } else if (result.status === 'error' && error) content = renderError({ error, retry: refresh });
  else if (result.status === 'expired') content = renderExpired({ retry: refresh });
  else content = renderLoading();

  return (
    <div
      className={className ? `tenantdash ${className}` : 'tenantdash'}
      style={style}
      data-state={state}
      aria-busy={state === 'loading'}
    >
      {content}
    </div>
  );
}
