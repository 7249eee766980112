/**
 * @module The browser entry point: the public information page (`/about`), the patient's pages
 * (`/patient/…`, behind NHS login) or the professionals' app, by the page's path.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api-client.ts';
import { AboutPage } from './components/about-page.tsx';
import { App } from './components/app.tsx';
import { PatientApp } from './components/patient-app.tsx';
import { createPatientApiClient } from './patient-api-client.ts';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('The page has no #root element to mount into.');

const path = window.location.pathname.replace(/\/+$/, '');
const isPatientPath = path === '/patient' || path.startsWith('/patient/');

createRoot(container).render(
  <StrictMode>
    {path === '/about' ? (
      <AboutPage />
    ) : isPatientPath ? (
      <PatientApp api={createPatientApiClient()} />
    ) : (
      <App api={createApiClient()} now={() => new Date()} />
    )}
  </StrictMode>,
);
