package dev.gpupool.cli;

/** Entry point of gpupool.jar (the CLI is built in the foundation issue). */
public final class Main {
    public static void main(String[] args) {
        System.out.println("gpupool");
    }
}
