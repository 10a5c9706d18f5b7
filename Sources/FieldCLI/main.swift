import ArgumentParser
@main struct F: ParsableCommand { func run() {} }
