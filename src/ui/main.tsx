// Placeholder entry: the studio UI replaces this file.
import { createRoot } from 'react-dom/client';
createRoot(document.getElementById('root')!).render(<h1>GPT-2 Studio</h1>);
