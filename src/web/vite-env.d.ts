/** @module Vite's client types, so importing the stylesheet type-checks. */
/// <reference types="vite/client" />
