"""A Modbus slave from pymodbus (Debian python3-pymodbus 3.0.0) for interop tests of the tidegate driver.

Usage: pymodbus_server.py tcp PORT | rtu DEVICE
Unit 1 holds: hr 0-2 = 555, 0, 100 (the Application Protocol spec's FC 3 example), hr 10-11 = float32 123.456
(0x42F6 0xE979), hr 20-21 = uint32 0x12345678 low word first; ir 0 = 1234; coil 3 on; di 1 on.
"""
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.transaction import ModbusRtuFramer

logging.basicConfig(level=logging.WARNING)

hr = [0] * 100
hr[0:3] = [555, 0, 100]
hr[10:12] = [0x42F6, 0xE979]
hr[20:22] = [0x5678, 0x1234]
ir = [0] * 100
ir[0] = 1234
co = [False] * 100
co[3] = True
di = [False] * 100
di[1] = True
# zero_mode=True: address 0 on the wire is element 0 (the default shifts by one).
slave = ModbusSlaveContext(
    di=ModbusSequentialDataBlock(0, di), co=ModbusSequentialDataBlock(0, co),
    hr=ModbusSequentialDataBlock(0, hr), ir=ModbusSequentialDataBlock(0, ir), zero_mode=True)
context = ModbusServerContext(slaves={1: slave}, single=False)

print("starting", sys.argv[1:], flush=True)
if sys.argv[1] == "tcp":
    StartTcpServer(context=context, address=("127.0.0.1", int(sys.argv[2])))
else:
    StartSerialServer(context=context, framer=ModbusRtuFramer, port=sys.argv[2], baudrate=115200, timeout=0.05)
