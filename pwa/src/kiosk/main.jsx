import { render } from 'preact';
import { Kiosk } from './kiosk.jsx';
import './kiosk.css';

const root = document.getElementById('app');
root.textContent = ''; // drop the static "Memuat…" shell from kiosk.html
render(<Kiosk />, root);
