/*
 * A neutral Modbus TCP server for comparing clients with `tidegate bench modbus --target 127.0.0.1:PORT`:
 * libmodbus's own server loop, one client at a time, unit 1 (any unit accepted), 100 holding registers
 * holding 0..99. Build: gcc -O2 -o modbus_bench_server modbus_bench_server.c -I/usr/include/modbus -lmodbus
 * Run:   ./modbus_bench_server PORT
 */
#include <errno.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", atoi(argv[1]));
    modbus_mapping_t *map = modbus_mapping_new(0, 0, 100, 0);
    if (ctx == NULL || map == NULL) {
        fprintf(stderr, "setup failed: %s\n", modbus_strerror(errno));
        return 1;
    }
    for (int i = 0; i < 100; i++) {
        map->tab_registers[i] = i;
    }
    int server = modbus_tcp_listen(ctx, 1);
    if (server == -1) {
        fprintf(stderr, "listen failed: %s\n", modbus_strerror(errno));
        return 1;
    }
    printf("listening on %s\n", argv[1]);
    fflush(stdout);
    for (;;) {
        modbus_tcp_accept(ctx, &server);
        uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
        for (;;) {
            int rc = modbus_receive(ctx, query);
            if (rc > 0) {
                modbus_reply(ctx, query, rc, map);
            } else if (rc == -1) {
                break; /* client gone: accept the next one */
            }
        }
        modbus_close(ctx);
    }
}
