// What one more kernel costs a chain of dependent kernels on one NVIDIA GPU, with and without
// Programmatic Dependent Launch (PDL), eager and replayed from a CUDA graph.
// Run on the device machine (not part of the npm tests): scripts/device/kernel-boundary.sh.
//
// Each kernel streams S bytes from its own slice of a 2 GiB pool (so a chain's footprint exceeds
// the 60 MB L2 where it can) and adds a partial sum into one float, like a decode step's weight
// read. Modes: plain launch; PDL with the wait at the kernel's top (griddepcontrol.wait before any
// load, as TensorRT-LLM's kernels do when they read the previous kernel's output first); PDL with
// the early trigger as well (griddepcontrol.launch_dependents at the top, so the next kernel's
// blocks are scheduled while this one runs). For every mode and size: time per kernel = the chain's
// GPU time / N, mean of 20 replays (or 5 eager passes) after warm-ups, best of 3.
// Prints one JSON object per line.
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

#define CK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { \
  fprintf(stderr, "%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e)); exit(1); } } while (0)

__global__ void stream_kernel(const float4* __restrict__ in, size_t n4, float* out, int mode) {
  if (mode & 2) asm volatile("griddepcontrol.launch_dependents;");
  if (mode & 1) asm volatile("griddepcontrol.wait;" ::: "memory");
  float acc = 0.f;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n4; i += (size_t)gridDim.x * blockDim.x) {
    float4 v = in[i];
    acc += v.x + v.y + v.z + v.w;
  }
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_down_sync(0xffffffffu, acc, o);
  if ((threadIdx.x & 31) == 0 && acc != 0.f) atomicAdd(out, acc);
}

static void launch(cudaStream_t s, int grid, int block, const float4* in, size_t n4, float* out, int mode) {
  cudaLaunchConfig_t cfg = {};
  cfg.gridDim = dim3(grid); cfg.blockDim = dim3(block); cfg.dynamicSmemBytes = 0; cfg.stream = s;
  cudaLaunchAttribute attr[1];
  attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attr[0].val.programmaticStreamSerializationAllowed = (mode & 1) ? 1 : 0;
  cfg.attrs = attr; cfg.numAttrs = 1;
  CK(cudaLaunchKernelEx(&cfg, stream_kernel, in, n4, out, mode));
}

int main() {
  cudaDeviceProp p; CK(cudaGetDeviceProperties(&p, 0));
  printf("{\"gpu\":\"%s\",\"sms\":%d,\"l2MB\":%.1f,\"cudaRuntime\":%d}\n", p.name, p.multiProcessorCount,
         p.l2CacheSize / 1e6, CUDART_VERSION);
  const size_t pool = (size_t)2 << 30;
  float4* buf; float* out;
  CK(cudaMalloc(&buf, pool)); CK(cudaMemset(buf, 0, pool));
  CK(cudaMalloc(&out, 4)); CK(cudaMemset(out, 0, 4));
  cudaStream_t s; CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  cudaEvent_t a, b; CK(cudaEventCreate(&a)); CK(cudaEventCreate(&b));
  const size_t sizes[] = {0, 16384, 65536, 262144, 1048576, 4194304, 16777216};
  const int grids[][2] = {{1, 128}, {132, 512}, {528, 256}};
  const char* modeName[] = {"plain", "pdl-wait", "", "pdl-wait-trigger"};
  for (auto g : grids) {
    for (size_t S : sizes) {
      if (g[0] == 1 && S > 1048576) continue;  // one block streams slowly; the tiny-kernel case is S = 0
      int N = S == 0 ? 2000 : (int)std::min<size_t>(std::min<size_t>(4000, pool / S), std::max<size_t>(100, ((size_t)256 << 20) / S));
      size_t stride = S == 0 ? 0 : (pool / N) / 256 * 256;  // each kernel its own aligned slice
      if (stride && stride < S) { fprintf(stderr, "pool too small\n"); exit(1); }
      for (int mode : {0, 1, 3}) {
        auto chain = [&]() {
          for (int k = 0; k < N; ++k)
            launch(s, g[0], g[1], (const float4*)((char*)buf + k * stride), S / 16, out, mode);
        };
        // eager
        chain(); CK(cudaStreamSynchronize(s));
        float eagerBest = 1e30f;
        for (int r = 0; r < 3; ++r) {
          CK(cudaEventRecord(a, s));
          for (int rep = 0; rep < 5; ++rep) chain();
          CK(cudaEventRecord(b, s)); CK(cudaEventSynchronize(b));
          float ms; CK(cudaEventElapsedTime(&ms, a, b)); eagerBest = std::min(eagerBest, ms / 5);
        }
        // graph
        cudaGraph_t graph; cudaGraphExec_t exec;
        CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
        chain();
        CK(cudaStreamEndCapture(s, &graph));
        CK(cudaGraphInstantiate(&exec, graph, 0));
        for (int w = 0; w < 3; ++w) CK(cudaGraphLaunch(exec, s));
        CK(cudaStreamSynchronize(s));
        float graphBest = 1e30f;
        for (int r = 0; r < 3; ++r) {
          CK(cudaEventRecord(a, s));
          for (int rep = 0; rep < 20; ++rep) CK(cudaGraphLaunch(exec, s));
          CK(cudaEventRecord(b, s)); CK(cudaEventSynchronize(b));
          float ms; CK(cudaEventElapsedTime(&ms, a, b)); graphBest = std::min(graphBest, ms / 20);
        }
        CK(cudaGraphExecDestroy(exec)); CK(cudaGraphDestroy(graph));
        printf("{\"grid\":%d,\"block\":%d,\"bytes\":%zu,\"kernels\":%d,\"mode\":\"%s\","
               "\"eagerUsPerKernel\":%.4f,\"graphUsPerKernel\":%.4f}\n",
               g[0], g[1], S, N, modeName[mode], eagerBest * 1000 / N, graphBest * 1000 / N);
        fflush(stdout);
      }
    }
  }
  return 0;
}
