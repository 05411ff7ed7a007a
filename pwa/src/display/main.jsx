import { render } from 'preact';
import { CallDisplay } from './display.jsx';
import './display.css';

const root = document.getElementById('app');
root.textContent = ''; // drop the static "Memuat…" shell from display.html
render(<CallDisplay />, root);
