from minicrm.cli import main

main()
