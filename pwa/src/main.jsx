import { render } from 'preact';
import { App } from './app.jsx';
import './styles.css';

const root = document.getElementById('app');
root.textContent = ''; // drop the static "Memuat…" shell from index.html
render(<App />, root);
