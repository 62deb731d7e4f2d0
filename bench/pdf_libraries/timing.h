/* What both measurements in this folder print: a writer run 20 times, the
 * best and mean time, the pages and the file's size. */
#include <stdio.h>
#include <time.h>

static int time_writer(const char* library, int (*write_pdf)(const char*), const char* path) {
  struct timespec a, b;
  double best = 1e9, total = 0;
  int pages = 0;
  for (int i = 0; i < 20; ++i) {
    clock_gettime(CLOCK_MONOTONIC, &a);
    pages = write_pdf(path);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    total += ms;
    if (ms < best) best = ms;
  }
  FILE* f = fopen(path, "rb");
  if (!f) return 1;
  fseek(f, 0, SEEK_END);
  long bytes = ftell(f);
  fclose(f);
  printf("%s: %d pages, %ld bytes, best %.1f ms, mean %.1f ms (20 runs)\n", library, pages, bytes, best, total / 20);
  return pages > 0 ? 0 : 1;
}
