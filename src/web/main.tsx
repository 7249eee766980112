/** @module The browser entry point: builds the API client and mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api-client.ts';
import { App } from './components/app.tsx';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('The page has no #root element to mount into.');

createRoot(container).render(
  <StrictMode>
    <App api={createApiClient()} now={() => new Date()} />
  </StrictMode>,
);
