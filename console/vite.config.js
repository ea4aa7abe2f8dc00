import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The gateway serves dist/ at `/` (gateway/console.py); `npm run dev` proxies the API to a
// running gateway (GATEWAY, default http://127.0.0.1:8000).
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks: {
          'element-plus': ['element-plus'],
          vue: ['vue', 'vue-router', 'vue-i18n'],
        },
      },
    },
  },
  server: { proxy: { '/api': process.env.GATEWAY || 'http://127.0.0.1:8000' } },
})
