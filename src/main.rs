fn main() {
    std::process::exit(exosh::cli::main());
}
