from owcf.cli import main

main()
