package io.flowersim.engine.pool;

import io.flowersim.client.Parameters;
import io.flowersim.engine.remote.ClientWorker;
import io.flowersim.engine.remote.Wire;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The main class of a worker JVM of the local pool: reads HELLO from stdin, runs the init hook and
 * sets the task up once, then serves MODEL and CALL frames (a CALL carries a batch of clients) one at a time until stdin closes. stdout
 * carries only frames: whatever the task prints goes to stderr. A worker also exits when the
 * driver's process ends, even in the middle of a long call, so none outlives it.
 */
public final class WorkerMain {

  private WorkerMain() {}

  public static void main(String[] args) throws IOException {
    DataOutputStream out = new DataOutputStream(
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
    System.setOut(System.err);
    ProcessHandle.current().parent()
        .ifPresent(driver -> driver.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
    DataInputStream in = new DataInputStream(
        new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
    try {
      serve(in, out);
    } catch (EOFException e) {
      // the driver closed our stdin: the simulation is over
    }
    out.flush();
    System.exit(0);
  }

  private static void serve(DataInputStream in, DataOutputStream out) throws IOException {
    Frames.Frame first = Frames.read(in);
    if (first.type() != Frames.HELLO) {
      throw new IOException("expected HELLO, got frame type " + first.type());
    }
    Frames.Hello hello = Wire.read(first.payload());
    ClientWorker worker;
    try {
      ClassLoader loader = WorkerMain.class.getClassLoader();
      Thread.currentThread().setContextClassLoader(loader);
      worker = new ClientWorker(hello.taskName(), Wire.settings(hello.settings()),
          hello.initHook(), "local", loader);
    } catch (Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      Frames.write(out, Frames.SETUP_FAILED, trace.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      System.exit(1);
      return;
    }
    Frames.write(out, Frames.READY, new byte[0]);
    out.flush();
    Parameters model = null;
    while (true) {
      Frames.Frame f = Frames.read(in);
      if (f.type() == Frames.MODEL) {
        model = Wire.parameters(f.payload());
      } else if (f.type() == Frames.CALL) {
        Wire.Batch batch = Wire.read(f.payload());
        Frames.write(out, Frames.REPLY, Wire.batchReply(worker.batch(batch, model)));
        out.flush();
      } else {
        throw new IOException("unexpected frame type " + f.type());
      }
    }
  }
}
