import { render } from 'preact';
import { OfficerApp } from './app.jsx';
import './officer.css';

const root = document.getElementById('app');
root.textContent = ''; // drop the static "Memuat…" shell from officer.html
render(<OfficerApp />, root);
