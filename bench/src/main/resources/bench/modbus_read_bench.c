/*
 * Reference client for `tidegate bench modbus`: reads 10 holding registers (unit 1, address 0) in a loop
 * over one Modbus TCP connection with libmodbus, for a given number of seconds, and prints
 * "reads=N seconds=S errors=E". Compiled at bench time: gcc -O2 modbus_read_bench.c $(pkg-config --cflags --libs libmodbus)
 */
#include <errno.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT SECONDS\n", argv[0]);
        return 2;
    }
    modbus_t *ctx = modbus_new_tcp(argv[1], atoi(argv[2]));
    if (ctx == NULL || modbus_set_slave(ctx, 1) == -1 || modbus_connect(ctx) == -1) {
        fprintf(stderr, "connect failed: %s\n", modbus_strerror(errno));
        return 1;
    }
    modbus_set_response_timeout(ctx, 1, 0);
    double seconds = atof(argv[3]);
    uint16_t regs[10];
    long reads = 0, errors = 0;
    double start = now(), end = start + seconds, t = start;
    while (t < end) {
        if (modbus_read_registers(ctx, 0, 10, regs) == 10) {
            reads++;
        } else {
            errors++;
        }
        if ((reads + errors) % 64 == 0) {
            t = now();
        }
    }
    t = now();
    printf("reads=%ld seconds=%.6f errors=%ld\n", reads, t - start, errors);
    modbus_close(ctx);
    modbus_free(ctx);
    return 0;
}
