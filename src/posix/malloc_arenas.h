// Memory: how many malloc arenas the process may use. Called first thing in main, before
// any thread starts.
#pragma once

namespace drf {

// glibc gives each new thread its own malloc arena, up to 8 per core. drfailover runs up to
// `concurrency` worker threads (64 in the scale plan) that mostly wait on the network, so
// separate arenas buy no speed but each keeps its own freed, still-resident pages. One arena
// for the whole process: peak RSS on the scale benchmark (500 services, 64 workers) 26.4 ->
// 23.3-23.8 MiB (bench/README.md, "Where the 26 MiB went"), same wall time and CPU. An operator's
// MALLOC_ARENA_MAX or GLIBC_TUNABLES=glibc.malloc.arena_max wins. No-op outside glibc.
void UseOneMallocArena();

}  // namespace drf
