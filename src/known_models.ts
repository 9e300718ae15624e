// The models the studio names without being told: the built-in one, served with the page (public/models/), and the
// GPT-2 checkpoints of the Hugging Face hub, with what each costs to download (model.safetensors plus the tokenizer
// files, as the hub lists them). Shared by the page and the worker, so it imports nothing.

/** The built-in model: a small GPT-2 pretrained by scripts/train_builtin_model.ts; its card is README.md beside it. */
export const BUILTIN_MODEL = {
  name: 'sotu-moby-gpt2',
  /** Under Vite's base, like every file of public/. */
  path: 'models/sotu-moby-gpt2/',
  bytes: 5_688_820,
} as const;

export interface HubModel { id: string; bytes: number; parameters: string }

/** GPT-2 checkpoints on the hub, smallest first. */
export const HUB_MODELS: readonly HubModel[] = [
  { id: 'distilbert/distilgpt2', bytes: 355e6, parameters: '82M' },
  { id: 'openai-community/gpt2', bytes: 550e6, parameters: '124M' },
  { id: 'openai-community/gpt2-medium', bytes: 1.52e9, parameters: '355M' },
  { id: 'openai-community/gpt2-large', bytes: 3.25e9, parameters: '774M' },
  { id: 'openai-community/gpt2-xl', bytes: 6.43e9, parameters: '1.5B' },
];
